"""The compiled state's text (``pipolicy.backends.sql.state``): what a SQL check decodes.

A check decides on the state it decodes, so the state must come back exactly as it was
written, field by field, with each instant at the UTC offset it was written with (a
letter shows dates at that offset). Rows written in formats 1 and 2, before a state
kept the person's noes to recipients, in format 3, before it kept their noes to
purposes, and in format 4, before an acquisition kept its provider's kind and the basis
of its receipt, are not read: the person is read from the history (R-USE-1: the state
decides as the history does; R-TPP-8: a no stops opt-out provision, and data received by
opt-out is never provided by opt-out again; R-CON-2, R-USE-7: a no to a purpose closes
the predecessor's purpose where permission is needed).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipolicy.backends.sql import rows, state
from pipolicy.domain.acquisitions import Acquisition, Channel, EntityKind, ReceiptBasis
from pipolicy.domain.consents import Consent, ConsentScope, ConsentStatus, Evidence
from pipolicy.domain.facts import SubjectFacts
from pipolicy.domain.restrictions import Restriction, RestrictionKind
from pipolicy.domain.subjects import Subject

_ZONES = [
    timezone.utc,
    timezone(timedelta(hours=9)),
    timezone(timedelta(hours=5, minutes=45)),
    timezone(timedelta(hours=-3, minutes=-30)),
]
_instants = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2200, 1, 1),
    timezones=st.sampled_from(_ZONES),
)
_maybe_instants = st.none() | _instants
_texts = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
_names = st.frozensets(st.sampled_from(["email", "name", "氏名", "address", "cookie_id"]))


@st.composite
def _facts(draw: st.DrawFn) -> SubjectFacts:
    sid = draw(st.sampled_from(["s1", "a6f0c2", "利用者"]))
    subject = Subject(
        sid, draw(_texts), draw(_instants), draw(st.none() | _texts), draw(_maybe_instants)
    )
    acquisitions = draw(
        st.lists(
            st.builds(
                Acquisition,
                id=_texts,
                subject_id=st.just(sid),
                items=_names,
                purposes=_names,
                channel=st.sampled_from(Channel),
                source=_texts,
                acquired_at=_instants,
                policy_version=_texts,
                opted_in=_names,
                provider_address=st.none() | _texts,
                provider_obtained_by=st.none() | _texts,
                provider_representative=st.none() | _texts,
                provider_kind=st.none() | st.sampled_from(EntityKind),
                provider_basis=st.none() | st.sampled_from(ReceiptBasis),
            ),
            max_size=3,
        )
    )
    evidence = st.builds(
        Evidence,
        method=_texts,
        ref=_texts,
        given_by=st.sampled_from(["person", "agent"]),
        foreign_info=_texts,
        foreign_country=st.sampled_from(["", "US", "SG"]),
    )
    consents = draw(
        st.lists(
            st.builds(
                Consent,
                id=_texts,
                subject_id=st.just(sid),
                scope=st.builds(
                    ConsentScope,
                    purpose=st.none() | _texts,
                    recipient=st.none() | _texts,
                    items=_names,
                ),
                status=st.sampled_from(ConsentStatus),
                evidence=evidence,
                policy_version=_texts,
                given_at=_instants,
                expires_at=_maybe_instants,
                ended_at=_maybe_instants,
                version=st.integers(1, 2**40),
            ),
            max_size=3,
        )
    )
    restrictions = draw(
        st.lists(
            st.builds(
                Restriction,
                id=_texts,
                subject_id=st.just(sid),
                kind=st.sampled_from(RestrictionKind),
                since=_instants,
                request_id=st.none() | _texts,
                items=_names,
                purposes=_names,
                recipients=_names,
            ),
            max_size=2,
        )
    )
    return SubjectFacts(subject, tuple(acquisitions), tuple(consents), tuple(restrictions))


def _exactly(value: Any) -> Any:
    """``value`` compared field by field, each instant with its offset (``==`` on aware
    datetimes compares only the instant), each enum by its type too."""
    if isinstance(value, datetime):
        return (value, value.utcoffset())
    if attrs.has(type(value)):
        return (
            type(value),
            tuple(_exactly(getattr(value, a.name)) for a in attrs.fields(type(value))),
        )
    if isinstance(value, tuple):
        return tuple(_exactly(v) for v in value)
    if isinstance(value, frozenset):
        return (frozenset, value)
    return (type(value), value)


def _format_1(facts: SubjectFacts) -> str:
    """The text format 1 wrote: each record as its history row, instants in ISO 8601."""

    def plain(row: dict[str, Any]) -> dict[str, Any]:
        return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}

    return json.dumps(
        [
            plain(rows.subject_to_row(facts.subject)),
            [plain(rows.acquisition_to_row(a)) for a in facts.acquisitions],
            [plain(rows.consent_to_row(c)) for c in facts.consents],
            [plain(rows.restriction_to_row(r)) for r in facts.restrictions],
        ]
    )


@settings(max_examples=200, deadline=None)
@given(_facts())
def test_r_use_1_a_state_reads_back_exactly_as_written(facts: SubjectFacts) -> None:
    assert _exactly(state.decode(state.encode(facts))) == _exactly(facts)


@settings(max_examples=50, deadline=None)
@given(_facts())
def test_r_tpp_8_a_state_from_before_format_5_is_not_read(facts: SubjectFacts) -> None:
    """Formats 1 and 2 held consents still given only, format 3 noes to recipients but
    not to purposes, format 4 no basis of receipt: a row of any may lack something a
    decision reads (R-TPP-8, R-USE-7), so it is read as no state at all."""
    assert state.decode(_format_1(facts), 1) is None
    assert state.decode(state.encode(facts), 2) is None
    assert state.decode(state.encode(facts), 3) is None
    assert state.decode(state.encode(facts), 4) is None
    assert state.decode(state.encode(facts), 5) == facts


@pytest.mark.parametrize(
    ("text", "format"),
    [
        ("", 5),
        ("{", 5),
        ("[]", 5),
        ("null", 5),
        ('[["s1","r",null,"2026-04-01T09:00:00+09:00",null],[],[],[]]', 4),
        ('[["s1","r",null,"2026-04-01T09:00:00+09:00",null],[],[],[]]', 6),
        ('[["s1","r",null,"not a date",null],[],[],[]]', 5),
        ('[["s1","r",null,"2026-04-01T09:00:00+09:00",null],[["a1"]],[],[]]', 5),
        ('[["s1","r",null,"2026-04-01T09:00:00+09:00",null],[],[],[["r1","no such kind"]]]', 5),
        ('[{"id": "s1"}, [], [], []]', 1),
        (
            '[{"id":"s1","ref":"r","category":null,"registered_at":null,'
            '"registered_at_offset":null,"left_at":null,"left_at_offset":null},[],[],[]]',
            1,
        ),
    ],
)
def test_r_use_1_a_text_that_is_not_a_state_of_its_format_decodes_to_none(
    text: str, format: int
) -> None:
    assert state.decode(text, format) is None


def _damaged(damage: Callable[[list[Any]], None]) -> str:
    """The format-5 text of a person with an acquisition, a consent and a use suspension
    narrowed to one item, changed by ``damage`` and still valid JSON."""
    at = datetime(2026, 4, 1, 9, tzinfo=timezone.utc)
    facts = SubjectFacts(
        Subject("s1", "r", at, None, None),
        (
            Acquisition(
                "a1", "s1", frozenset({"email"}), frozenset({"service"}), Channel.WEB, "", at, "1"
            ),
        ),
        (
            Consent(
                "c1",
                "s1",
                ConsentScope("newsletter"),
                ConsentStatus.GIVEN,
                Evidence("web"),
                "1",
                at,
            ),
        ),
        (Restriction("x1", "s1", RestrictionKind.SUSPEND_USE, at, items=frozenset({"email"})),),
    )
    fields = json.loads(state.encode(facts))
    assert state.decode(json.dumps(fields)) == facts
    damage(fields)
    return json.dumps(fields)


def _set(path: tuple[int, ...], value: object) -> Callable[[list[Any]], None]:
    def damage(fields: list[Any]) -> None:
        *outer, last = path
        for i in outer:
            fields = fields[i]
        fields[last] = value

    return damage


@pytest.mark.parametrize(
    "damage",
    [
        _set((3, 0, 4), "email"),  # the suspension's items as a bare string, not a list
        _set((3, 0, 4), ["email", 7]),
        _set((1, 0, 1), "email"),
        _set((2, 0, 3), {"email": 1}),
        _set((0, 3), "2026-04-01T09:00:00"),  # an instant without its offset
        _set((3, 0, 2), "2026-04-01T09:00:00"),
        _set((2, 0, 11), "2027-04-01T09:00:00"),
        _set((1, 0, 11), "sole_trader"),  # a provider's kind this version does not know
        _set((1, 0, 12), "contract"),  # nor a basis of receipt
    ],
    ids=[
        "restriction-items-text",
        "restriction-items-number",
        "acquisition-items-text",
        "consent-items-object",
        "registered-naive",
        "restriction-since-naive",
        "consent-expiry-naive",
        "provider-kind-unknown",
        "receipt-basis-unknown",
    ],
)
def test_r_req_7_a_damaged_state_that_is_still_json_decodes_to_none(
    damage: Callable[[list[Any]], None],
) -> None:
    """A set read as the characters of a string would narrow a suspension to nothing,
    and an instant without an offset would fail the decision: either row is not a
    state, so the person is read from the history."""
    assert state.decode(_damaged(damage)) is None


def test_r_use_1_a_format_1_text_is_not_read_as_format_5() -> None:
    at = datetime(2026, 4, 1, 9, tzinfo=timezone.utc)
    facts = SubjectFacts(Subject("s1", "r", at, None, None), (), (), ())
    assert state.decode(_format_1(facts), 5) is None
    assert state.decode(state.encode(facts), 5) == facts


# One state, and the texts each format stores for it: the format is a contract with
# every database already written, so its layout is pinned here, field by field.
_JST = timezone(timedelta(hours=9))
_AT = datetime(2026, 4, 1, 9, 30, tzinfo=_JST)
_PINNED = SubjectFacts(
    Subject("s1", "user-42", _AT, "customer", None),
    (
        Acquisition(
            "a1",
            "s1",
            frozenset({"name", "email"}),
            frozenset({"service"}),
            Channel.WEB,
            "signup",
            _AT,
            "v3",
            frozenset({"email"}),
            None,
            None,
        ),
    ),
    (
        Consent(
            "c1",
            "s1",
            ConsentScope(None, "partner", frozenset({"email"})),
            ConsentStatus.GIVEN,
            Evidence("web-form", "signup-v3", "agent", "notice-foreign-v2", "US"),
            "v3",
            _AT,
            datetime(2027, 4, 1, tzinfo=timezone.utc),
            None,
            2,
        ),
    ),
    (
        Restriction(
            "r1",
            "s1",
            RestrictionKind.SUSPEND_PROVISION,
            _AT,
            "q1",
            frozenset(),
            frozenset(),
            frozenset({"partner"}),
        ),
    ),
)
# Format 3 encoded as format 2 did, with the provider's representative last in an
# acquisition, and a state held the person's noes to recipients; format 4 encoded as
# format 3 did, and a state held their noes to purposes too; format 5 encodes as format
# 4 did, with the provider's kind and the basis of receipt last in an acquisition, and
# the country a consent's foreign information was about last in a consent.
_FORMAT_5_TEXT = (
    '[["s1","user-42","customer","2026-04-01T09:30:00+09:00",null],'
    '[["a1",["email","name"],["service"],"web","signup","2026-04-01T09:30:00+09:00","v3",'
    '["email"],null,null,null,null,null]],'
    '[["c1",null,"partner",["email"],"given","web-form","signup-v3","agent",'
    '"notice-foreign-v2","v3","2026-04-01T09:30:00+09:00","2027-04-01T00:00:00+00:00",'
    'null,2,"US"]],'
    '[["r1","suspend_provision","2026-04-01T09:30:00+09:00","q1",[],[],["partner"]]]]'
)
# What pipolicy wrote before format 2 (commit cbb6fa1's encoder, run on _PINNED).
_FORMAT_1_TEXT = (
    '[{"id":"s1","ref":"user-42","category":"customer",'
    '"registered_at":"2026-04-01T09:30:00+09:00","registered_at_offset":32400,'
    '"left_at":null,"left_at_offset":null},[{"id":"a1","subject_id":"s1",'
    '"items":["email","name"],"purposes":["service"],"channel":"web","source":"signup",'
    '"policy_version":"v3","opted_in":["email"],"provider_address":null,'
    '"provider_obtained_by":null,"acquired_at":"2026-04-01T09:30:00+09:00",'
    '"acquired_at_offset":32400}],[{"id":"c1","subject_id":"s1","purpose":null,'
    '"recipient":"partner","items":["email"],"status":"given",'
    '"evidence_method":"web-form","evidence_ref":"signup-v3","evidence_given_by":"agent",'
    '"evidence_foreign_info":"notice-foreign-v2","scope_key":"[null, \\"partner\\",'
    ' [\\"email\\"]]","policy_version":"v3","version":2,'
    '"given_at":"2026-04-01T09:30:00+09:00","given_at_offset":32400,'
    '"expires_at":"2027-04-01T00:00:00+00:00","expires_at_offset":0,"ended_at":null,'
    '"ended_at_offset":null}],[{"id":"r1","subject_id":"s1","kind":"suspend_provision",'
    '"request_id":"q1","items":[],"purposes":[],"recipients":["partner"],'
    '"since":"2026-04-01T09:30:00+09:00","since_offset":32400}]]'
)


def test_r_use_1_format_5_is_written_as_pinned() -> None:
    assert state.encode(_PINNED) == _FORMAT_5_TEXT
    assert _exactly(state.decode(_FORMAT_5_TEXT)) == _exactly(_PINNED)


# A receipt from a sole trader by opt-out: the kind and the basis by their values.
_RECEIPT = Acquisition(
    "a2",
    "s1",
    frozenset({"name"}),
    frozenset({"service"}),
    Channel.PROVIDED_BY_BUSINESS,
    "Hanako Yamada",
    _AT,
    "v3",
    frozenset(),
    "2-3-4 Setagaya, Tokyo",
    "her shop's customer cards",
    None,
    EntityKind.INDIVIDUAL,
    ReceiptBasis.OPT_OUT,
)
_RECEIPT_TEXT = (
    '[["s1","user-42","customer","2026-04-01T09:30:00+09:00",null],'
    '[["a2",["name"],["service"],"provided_by_business","Hanako Yamada",'
    '"2026-04-01T09:30:00+09:00","v3",[],"2-3-4 Setagaya, Tokyo",'
    '"her shop\'s customer cards",null,"individual","opt_out"]],[],[]]'
)


def test_r_tpp_8_format_5_writes_the_provider_s_kind_and_the_basis_of_receipt() -> None:
    facts = SubjectFacts(_PINNED.subject, (_RECEIPT,), (), ())
    assert state.encode(facts) == _RECEIPT_TEXT
    assert _exactly(state.decode(_RECEIPT_TEXT)) == _exactly(facts)


def test_r_tpp_8_a_row_written_before_format_5_is_not_read() -> None:
    """A format-4 row may have been written by a version that knew no basis of receipt
    after a newer one recorded a receipt by opt-out: it may lack what keeps such data
    from being provided by opt-out again, so it is read as no state at all."""
    assert state.decode(_FORMAT_1_TEXT, 1) is None
    for older in (2, 3, 4):
        assert state.decode(_FORMAT_5_TEXT, older) is None
    format_4 = json.loads(_FORMAT_5_TEXT)
    format_4[1][0] = format_4[1][0][:11]  # an acquisition as format 4 wrote it
    assert state.decode(json.dumps(format_4), 4) is None
    assert state.decode(json.dumps(format_4), 5) is None


def test_r_use_1_the_exact_comparison_sees_an_instant_moved_to_another_offset() -> None:
    # The comparison above would pass a decoder that kept instants but lost offsets
    # unless it compares offsets: hold it to that.
    at = datetime(2026, 4, 1, 9, tzinfo=timezone(timedelta(hours=9)))
    s = Subject("s1", "r", at, None, None)
    moved = attrs.evolve(s, registered_at=at.astimezone(timezone.utc))
    assert s == moved and _exactly(s) != _exactly(moved)


def test_r_use_1_a_state_holding_another_persons_record_is_refused() -> None:
    at = datetime(2026, 4, 1, 9, tzinfo=timezone.utc)
    s = Subject("s1", "r", at, None, None)
    theirs = Acquisition("a1", "s2", frozenset(), frozenset(), Channel.WEB, "", at, "v1")
    with pytest.raises(ValueError, match="another subject"):
        state.encode(SubjectFacts(s, (theirs,), (), ()))


def test_r_use_1_a_row_without_the_representative_is_not_a_state() -> None:
    """Some format-3 rows were written before the representative joined the
    acquisition's array; format 3 is not read any more, and format 5 always has it, so
    an acquisition without it is no state this version wrote: read from the history."""
    fields = json.loads(_FORMAT_5_TEXT)
    fields[1][0] = fields[1][0][:10]
    assert state.decode(json.dumps(fields), 3) is None
    assert state.decode(json.dumps(fields), 5) is None
