"""Purposes shown before collection (R-NTC-1, Art. 21(1), (2)) and purposes that change
(R-USE-2, Art. 17(2); R-USE-3, Art. 21(3)) through the public API."""

from __future__ import annotations

import pytest

import pipolicy as pp
from tests.factories import make_engine


def test_r_ntc_1_a_check_without_the_channel_cannot_allow_a_purpose_not_shown() -> None:
    """Handed over in writing, data whose purposes were not shown first is refused (Art.
    21(2)); by telephone it is not. A check that does not name the channel cannot tell
    which: it fails closed, as acquire (which needs the channel) would refuse a form."""
    engine, _ = make_engine()
    s = engine.register_subject("u1", category="customer")
    d = engine.check_acquisition(s, items={"email"}, purposes={"newsletter"}, purpose_shown=False)
    assert not d.allowed
    assert d.rules == ("R-NTC-1",)
    assert "APPI Art. 21(2)" in d.citations
    with pytest.raises(pp.AcquisitionDenied):
        engine.acquire(
            s, items={"email"}, purposes={"newsletter"}, channel="web", purpose_shown=False
        )
    by_phone = engine.check_acquisition(
        s, items={"email"}, purposes={"newsletter"}, channel="telephone", purpose_shown=False
    )
    assert by_phone.allowed
    assert engine.check_acquisition(s, items={"email"}, purposes={"newsletter"}).allowed
