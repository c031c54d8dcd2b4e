"""R-SEC-3: one place decides which audit payloads can be kept, for every store.

``AuditEntry.of`` skips the full walk of a payload when its canonical JSON shows it
needs none; these tests hold that shortcut to refusing exactly what the walk refuses.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipolicy.domain.audit import AuditEntry, _suspect
from pipolicy.domain.checks import json_ready
from pipolicy.errors import InvalidInput

AT = datetime(2026, 4, 1, tzinfo=timezone.utc)


def _deep(levels: int) -> object:
    nested: object = 1
    for _ in range(levels):
        nested = {"k": nested}
    return nested


_keys = (
    st.text()
    | st.sampled_from(["1" * 19, "[" + "9" * 20])
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.none()
)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.sampled_from([2**63 - 1, -(2**63), 2**63, -(2**63) - 1, 10**18, 10**19])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.sampled_from(["a\x00b", "\ud800", "日本語", "\\u0000", "[[[{", "\n\t"])
    | st.sampled_from(["1" * 19, "a:" + "9" * 20, "-" + "9" * 19])  # text, not numbers
    | st.datetimes(timezones=st.just(timezone.utc))  # kept as text (default=str)
    | st.decimals(allow_nan=False)
    | st.integers(55, 75).map(_deep)  # around the 64-level limit and the bracket count
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(_keys, inner, max_size=3)
    ),
    max_leaves=12,
)


def _walk_refuses(payload: dict[object, object]) -> bool:
    """What the full check says of the payload as JSON gives it back; and a NaN or an
    infinity anywhere, a key included, which ``allow_nan=False`` refuses besides (JSON
    would turn such a key into the text ``"NaN"``)."""
    if _nonfinite_anywhere(payload):
        return True
    try:
        plain = json.loads(json.dumps(payload, sort_keys=True, default=str))
    except (ValueError, TypeError, RecursionError):
        return True
    try:
        json_ready(plain, "audit payload")
    except InvalidInput:
        return True
    return False


def _nonfinite_anywhere(value: object) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_nonfinite_anywhere(k) or _nonfinite_anywhere(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_nonfinite_anywhere(v) for v in value)
    return False


@settings(max_examples=400)
@given(st.dictionaries(_keys, _values, max_size=4))
def test_r_sec_3_of_refuses_exactly_what_the_full_check_refuses(
    payload: dict[object, object],
) -> None:
    try:  # keys of any type, as an application's code might pass them
        entry = AuditEntry.of(AT, "test.kind", None, payload)  # type: ignore[arg-type]
    except InvalidInput:
        refused = True
    else:
        refused = False
        assert json.loads(entry.payload_json()) == entry.payload
    assert refused == _walk_refuses(payload)


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        (_deep(63), False),  # its innermost value 64 levels down: the limit
        (_deep(64), True),
        (_deep(5_000), True),  # deeper than the encoder itself can go
        ({float("nan"): 1}, True),  # JSON would make the key the text "NaN"
        (2**63 - 1, False),
        (2**63, True),
        ("お客様番号", False),
        ("a\x00b", True),
        ("\udfff", True),
        (float("nan"), True),
        (-float("inf"), True),
        (1.5, False),
    ],
)
def test_r_sec_3_of_refuses_payloads_no_store_keeps_as_given(value: object, refused: bool) -> None:
    if refused:
        with pytest.raises(InvalidInput, match="audit payload"):
            AuditEntry.of(AT, "test.kind", "s-1", {"value": value})
    else:
        assert AuditEntry.of(AT, "test.kind", "s-1", {"value": value}).payload == {"value": value}


def test_r_sec_3_stored_checks_an_entry_built_by_hand_and_keeps_a_made_one() -> None:
    made = AuditEntry.of(AT, "test.kind", None, {"ids": ("a", "b")})
    assert made.stored() == made and made.stored().payload_json() == made.payload_json()
    by_hand = AuditEntry(AT, "test.kind", None, {"ids": ("a", "b")})
    assert by_hand.stored() == made  # tuples become lists, as JSON storage gives back
    assert by_hand.stored().payload_json() == made.payload_json()
    with pytest.raises(InvalidInput, match="audit payload"):
        AuditEntry(AT, "test.kind", None, {"n": 2**64}).stored()


@pytest.mark.parametrize(
    ("canonical", "suspect"),
    [
        ('{"n":' + "9" * 18 + "}", False),
        ('{"n":' + "9" * 19 + "}", True),
        ('{"n":-' + "9" * 19 + "}", True),
        ('{"n":[1,' + "9" * 19 + "]}", True),
        ('{"n":[' + "9" * 19 + "]}", True),
        ('{"id":"' + "1" * 19 + '"}', False),  # in a string: text, not a number
        ('{"id":"3859cee72e8ba6540000000000000150"}', False),  # an ordered id
        ('{"id":"a:' + "1" * 19 + '"}', True),  # looks like a number: the walk clears it
        ('{"id":"' + "1" * 10 + "a" + "1" * 10 + '"}', False),
        ('{"s":"\\u0000"}', True),
        ('{"s":"\\\\path"}', False),
        ("[" * 64 + "]" * 64, False),
        ("[" * 65 + "]" * 65, True),
    ],
)
def test_r_sec_3_the_shortcut_walks_every_payload_that_may_hide_something(
    canonical: str, suspect: bool
) -> None:
    assert _suspect(canonical) is suspect
