"""The compiled state's text (``pipolicy.backends.sql.state``): what a SQL check decodes.

A check decides on the state it decodes, so the state must come back exactly as it was
written, field by field, with each instant at the UTC offset it was written with (a
letter shows dates at that offset). Rows written in format 1, before format 2, must
still be read as they were (R-USE-1: the state decides as the history does).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipolicy.backends.sql import rows, state
from pipolicy.domain.acquisitions import Acquisition, Channel
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


@settings(max_examples=100, deadline=None)
@given(_facts())
def test_r_use_1_a_format_1_state_still_reads_as_written(facts: SubjectFacts) -> None:
    assert _exactly(state.decode(_format_1(facts), 1)) == _exactly(facts)


@pytest.mark.parametrize(
    ("text", "format"),
    [
        ("", 2),
        ("{", 2),
        ("[]", 2),
        ("null", 2),
        ('[["s1","r",null,"2026-04-01T09:00:00+09:00",null],[],[],[]]', 3),
        ('[["s1","r",null,"not a date",null],[],[],[]]', 2),
        ('[["s1","r",null,"2026-04-01T09:00:00+09:00",null],[["a1"]],[],[]]', 2),
        ('[["s1","r",null,"2026-04-01T09:00:00+09:00",null],[],[],[["r1","no such kind"]]]', 2),
        ('[{"id": "s1"}, [], [], []]', 1),
    ],
)
def test_r_use_1_a_text_that_is_not_a_state_of_its_format_decodes_to_none(
    text: str, format: int
) -> None:
    assert state.decode(text, format) is None


def test_r_use_1_a_format_1_text_is_not_read_as_format_2() -> None:
    at = datetime(2026, 4, 1, 9, tzinfo=timezone.utc)
    facts = SubjectFacts(Subject("s1", "r", at, None, None), (), (), ())
    assert state.decode(_format_1(facts), 2) is None
    assert state.decode(state.encode(facts), 1) is None
    assert state.decode(state.encode(facts), 2) == facts


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
