"""The write path made cheaper without changing what it records (R-SEC-3).

A record's digest and an audit entry's stored payload are now written out directly
instead of built as plain values and walked again; these tests hold the shortcuts to
the long way, byte for byte, for any field values (not only those the engine writes).
"""

from __future__ import annotations

import enum
import json
import sqlite3
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipolicy as pp
from pipolicy.domain import audit, binding
from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.audit import AuditEntry
from pipolicy.domain.consents import Consent, ConsentScope, Evidence
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import Request
from pipolicy.domain.restrictions import Restriction
from pipolicy.domain.subjects import Subject
from pipolicy.testing import contract_policy

JST = timezone(timedelta(hours=9))


class _Small(enum.IntEnum):
    ONE = 1


class _Text(str):
    """A str subclass (not an enum): written as its text."""


_instants = st.datetimes(
    min_value=datetime(1900, 1, 1), timezones=st.sampled_from([timezone.utc, JST])
) | st.builds(
    lambda d, minutes: d.replace(tzinfo=timezone(timedelta(minutes=minutes))),
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(9999, 12, 30)),
    st.integers(-900, 900),
)
_scalars = st.one_of(
    st.none(),
    st.text(),
    st.text().map(_Text),
    st.integers(),
    st.integers(-(2**70), 2**70),
    st.booleans(),
    st.floats(allow_nan=False),
    _instants,
    st.dates(),
    st.sampled_from(pp.ConsentStatus),
    st.just(_Small.ONE),
)
_values = st.recursive(
    _scalars | st.frozensets(st.text()),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(inner, max_size=3).map(tuple)
        | st.frozensets(st.one_of(st.text(), st.integers(), st.none()), max_size=3)
        | st.dictionaries(st.text(), inner, max_size=3)
    ),
    max_leaves=8,
)


def _forged(kind: type, values: st.DrawFn) -> Any:
    """An instance of ``kind`` whose fields hold anything (validators passed over): the
    writer must agree with the plain form whatever a field holds."""
    record: Any = object.__new__(kind)
    for field in attrs.fields(kind):
        if field.default is not attrs.NOTHING and values(st.booleans()):
            value = (
                field.default.factory()
                if isinstance(field.default, attrs.Factory)  # type: ignore[arg-type]
                else field.default
            )
        elif field.name in ("scope", "evidence"):
            value = _forged(ConsentScope if field.name == "scope" else Evidence, values)
        else:
            value = values(_values)
        object.__setattr__(record, field.name, value)
    return record


@st.composite
def _records(draw: st.DrawFn) -> Any:
    kind = draw(
        st.sampled_from(
            [Subject, Consent, Acquisition, ProvisionRecord, Restriction, Request, ConsentScope]
        )
    )
    return _forged(kind, draw)


@settings(max_examples=400, deadline=None)
@given(_records())
def test_r_sec_3_a_records_digest_is_written_as_its_plain_form_would_encode(record: Any) -> None:
    expected = binding._CANONICAL.encode(binding._plain(record))
    assert binding._text(record) == expected
    assert binding._text(record) == expected  # a second time: from what is kept


def test_r_sec_3_a_shared_scope_is_written_by_its_own_fields_not_by_an_equal_ones() -> None:
    scope = ConsentScope("newsletter", None, frozenset({"email", "name"}))
    first = binding._text(scope)
    assert first == '{"items":["email","name"],"purpose":"newsletter","recipient":null}'
    # An object that is equal but holds other values (1 == True) keeps its own text.
    one = ConsentScope(None, "partner", frozenset({"a"}))
    forged = object.__new__(ConsentScope)
    for field, value in (("purpose", True), ("recipient", "partner"), ("items", frozenset({"a"}))):
        object.__setattr__(forged, field, value)
    assert binding._text(one) != binding._text(forged)
    assert json.loads(binding._text(forged))["purpose"] is True


def test_r_sec_3_an_instant_kept_is_only_reused_for_the_same_object() -> None:
    at = datetime(2026, 4, 1, 9, 0, tzinfo=JST)
    assert binding._text(at) == '"2026-04-01T00:00:00+00:00"'
    later = at + timedelta(microseconds=1)
    assert binding._text(later) == '"2026-04-01T00:00:00.000001+00:00"'
    assert binding._text(at) == '"2026-04-01T00:00:00+00:00"'
    assert binding._text(date(2026, 4, 1)) == '"2026-04-01"'


_payload_values = st.recursive(
    st.one_of(
        st.none(),
        st.text(),
        st.text().map(_Text),
        st.integers(),
        st.integers(-(2**70), 2**70),
        st.booleans(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(pp.ConsentStatus),
        st.just(_Small.ONE),
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(), inner, max_size=3)
        | st.dictionaries(st.integers(0, 3), inner, min_size=1, max_size=2)
    ),
    max_leaves=10,
)


def _ordered(value: object) -> object:
    """``value`` with each dict's key order made visible (equality ignores it)."""
    if isinstance(value, dict):
        return [(type(k), k, _ordered(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    return (type(value), value)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(), _payload_values, max_size=6))
def test_r_sec_3_a_plain_payload_is_kept_as_encoding_and_decoding_it_would(
    payload: dict[str, object],
) -> None:
    """An entry's payload is what JSON storage gives back, and its canonical text is
    hashed: where the payload is plain both are made in one walk, which must give the
    very text and copy (types, key order) the encoder and ``json.loads`` give."""
    try:
        text: str | None = audit._ENTRY.encode(payload)
    except (TypeError, ValueError):  # keys of mixed kinds: refused, as before
        text = None
    written = audit._written(payload)
    if written is not None:
        copy, written_text = written
        assert written_text == text
        assert _ordered(copy) == _ordered(json.loads(written_text))
    try:
        entry = AuditEntry.of(datetime(2026, 4, 1, tzinfo=timezone.utc), "k", None, payload)
    except pp.InvalidInput:
        assert written is None or audit._suspect(written[1])
        return
    assert text is not None
    assert entry.canonical == text
    assert _ordered(dict(entry.payload)) == _ordered(json.loads(text))


def test_r_sec_3_a_plain_payload_is_copied_not_shared() -> None:
    items = ["email", "name"]
    nested: dict[str, object] = {"b": [1, True, None], "a": ("x",)}
    payload: dict[str, object] = {"items": items, "nested": nested, "n": 2**40}
    entry = AuditEntry.of(datetime(2026, 4, 1, tzinfo=timezone.utc), "k", None, payload)
    items.append("phone")
    nested["c"] = 1
    assert entry.payload == {
        "items": ["email", "name"],
        "n": 2**40,
        "nested": {"a": ["x"], "b": [1, True, None]},
    }
    assert list(entry.payload) == ["items", "n", "nested"]
    # A cycle is refused as before, not walked for ever.
    cyclic: dict[str, object] = {}
    cyclic["self"] = cyclic
    with pytest.raises(pp.InvalidInput):
        AuditEntry.of(datetime(2026, 4, 1, tzinfo=timezone.utc), "k", None, cyclic)


def test_r_sec_3_a_consent_row_holds_the_json_it_held_and_each_scope_its_own(
    tmp_path: Path,
) -> None:
    """A consent's ``items`` and ``scope_key`` are made once per scope object: the
    rows must still hold ``json.dumps``'s text, each consent its own scope's."""
    url = f"sqlite:///{tmp_path / 'pi.db'}"
    at = datetime(2026, 4, 1, 9, 0, tzinfo=JST)
    with pp.Engine(contract_policy(), store=url, clock=pp.FixedClock(at)) as engine:
        s = engine.register_subject("c1", category="customer")
        given = [
            engine.grant_consent(s, purpose="newsletter"),
            engine.grant_consent(s, recipient="partner", items={"email"}),
            engine.grant_consent(s, recipient="shipping", items={"address", "name"}),
        ]
        assert engine.verify_audit().ok
    with sqlite3.connect(tmp_path / "pi.db") as db:
        stored = {
            row[0]: row[1:]
            for row in db.execute("SELECT id, items, scope_key, given_at FROM pipolicy_consents")
        }
    for consent in given:
        items = sorted(consent.scope.items)
        scope = [consent.scope.purpose, consent.scope.recipient, items]
        assert stored[consent.id] == (
            json.dumps(items),
            json.dumps(scope),
            "2026-04-01T00:00:00.000000+00:00",
        )


@given(st.binary(min_size=16, max_size=16))
def test_r_sec_3_the_default_id_is_what_uuid4_hex_makes_of_the_same_bytes(raw: bytes) -> None:
    from pipolicy.ids import _uuid4_hex

    assert _uuid4_hex(raw) == uuid.UUID(bytes=raw, version=4).hex


def test_r_sec_3_records_get_random_version_4_ids_by_default() -> None:
    from pipolicy.ids import random_id

    made = {random_id() for _ in range(1000)}
    assert len(made) == 1000
    for made_id in made:
        parsed = uuid.UUID(hex=made_id)
        assert (len(made_id), parsed.version, parsed.variant) == (32, 4, uuid.RFC_4122)
        assert parsed.hex == made_id
    engine = pp.Engine(contract_policy())
    subject = engine.register_subject("c1", category="customer")
    assert uuid.UUID(hex=subject.id).version == 4


_T0 = datetime(2026, 4, 1, 9, 0, tzinfo=JST)


@st.composite
def _consents(draw: st.DrawFn, prefix: str) -> list[Consent]:
    """Consents of one person: given, refused, withdrawn, expired or revoked, to a few
    purposes and recipients, said at a few instants (ties included)."""
    made = []
    for n in range(draw(st.integers(0, 6))):
        status = draw(st.sampled_from(pp.ConsentStatus))
        purpose = draw(st.sampled_from(["newsletter", "service", None]))
        scope = ConsentScope(
            purpose,
            None if purpose is not None else draw(st.sampled_from(["partner", "ads"])),
            frozenset(draw(st.sets(st.sampled_from(["email", "name"]), min_size=1))),
        )
        at = _T0 + timedelta(minutes=draw(st.integers(0, 3)))
        ended = None if status is pp.ConsentStatus.GIVEN else at + timedelta(minutes=1)
        made.append(
            Consent(f"{prefix}{n}", "s-1", scope, status, Evidence("web"), "1", at, ended_at=ended)
        )
    return made


@settings(max_examples=300, deadline=None)
@given(_consents("old-"), _consents("new-"))
def test_r_sec_3_a_batchs_consents_change_a_persons_state_as_each_would_in_turn(
    before: list[Consent], added: list[Consent]
) -> None:
    """A bulk import updates each person's state once for the consents it adds to them;
    the state must be the one adding them one by one gives (what a decision reads)."""
    from pipolicy.backends.sql.store import _with_new_consents
    from pipolicy.domain.facts import SubjectFacts, compact, with_consent

    subject = Subject("s-1", "ref-1", _T0, "customer")
    state = compact(SubjectFacts(subject, (), tuple(before), ()))
    one_by_one = state
    for consent in added:
        one_by_one = with_consent(one_by_one, consent)
    assert _with_new_consents(state, added) == one_by_one
    assert [c.id for c in _with_new_consents(state, added).consents] == [
        c.id for c in one_by_one.consents
    ]
    # A consent the state already holds (an update, never an import's) takes the same way.
    if before:
        again = [attrs.evolve(before[0], version=2), *added]
        expected = state
        for consent in again:
            expected = with_consent(expected, consent)
        assert _with_new_consents(state, again) == expected


def test_r_sec_3_a_scope_holding_a_set_someone_changes_is_written_as_it_is_now() -> None:
    """A scope built by hand with a mutable set of items (the engine's hold frozensets)
    is never written from what was kept: the digest follows the set."""
    items = {"email"}
    scope = ConsentScope(None, "partner", items)  # type: ignore[arg-type]
    assert binding._text(scope) == '{"items":["email"],"purpose":null,"recipient":"partner"}'
    items.add("name")
    assert binding._text(scope) == (
        '{"items":["email","name"],"purpose":null,"recipient":"partner"}'
    )
