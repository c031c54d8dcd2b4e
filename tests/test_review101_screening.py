"""Review 101 of the screen for personal data in the application's free text (R-SEC-3).

1. A person's no is never lost to the screen (R-CON-2): a withdrawal's or a refusal's
   evidence, or a revocation's reason, that looks like personal data is recorded with
   that text withheld (a fixed marker naming what it looked like), and the caller is
   told by a :class:`~pipolicy.domain.screening.PersonalDataWithheld` warning that does
   not repeat it. A yes (a grant) is still refused: a consent not recorded allows nothing.
2. What the screen reads as an Individual Number, a card number or a telephone number,
   tuned both ways (fewer order numbers and toll-free numbers refused, fewer telephone
   numbers let through).
3. An integer too long to write in an audit payload is an InvalidInput again.
"""

from __future__ import annotations

import warnings
from datetime import datetime

import pytest

import pipolicy as pp
from pipolicy.domain.audit import AuditEntry
from pipolicy.domain.screening import personal_data_in
from tests.factories import JST, make_engine

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=JST)


def test_r_sec_3_an_integer_too_long_to_write_is_invalid_input() -> None:
    """Python refuses to write an integer of more than 4,300 digits (a ValueError):
    a payload holding one is refused as any other payload no store could keep."""
    with pytest.raises(pp.InvalidInput):
        AuditEntry.of(NOW, "k", None, {"h": 10**5000})
    with pytest.raises(pp.InvalidInput):
        AuditEntry.of(NOW, "k", None, {"h": [1, {"n": 10**5000}]})
