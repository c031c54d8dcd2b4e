"""Legacy consents imported with the day they were given (R-CON-1, R-CON-3).

An import tells of consents given before it. Recorded as given at the import, under the
policy version of the day, a yes the person gave to a purpose's old meaning would cover
its new one (Art. 17(2)), and the record would state a notice the person never saw.
A row says when it was given (``given_at``) and under which version (``policy_version``);
where the day matters and the row does not say it, the row is refused, never guessed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest

import pipolicy as pp
from pipolicy.consent_files import read_consents
from pipolicy.importing import RowRefused
from tests.factories import JST, make_engine, make_policy

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=JST)  # make_policy: v1 revised 2026-03-15
BEFORE_CHANGE = datetime(2026, 2, 10, 9, 0, tzinfo=JST)  # "research" changed 2026-03-01
AFTER_CHANGE = datetime(2026, 4, 10, 9, 0, tzinfo=JST)


def _changed_service() -> pp.Policy:
    """``service``, the purpose ``partner`` receives data for, changed beyond relevance
    on 2026-05-01, the day version 2 was published with the change."""
    base = make_policy()
    change = pp.PurposeChange(
        date(2026, 5, 1), related=False, notified=date(2026, 5, 1), how="version 2"
    )
    service = attrs.evolve(base.purposes["service"], changes=(change,))
    return make_policy(
        version="v2", revised=date(2026, 5, 1), purposes={**base.purposes, "service": service}
    )


def test_r_con_3_a_legacy_yes_dated_before_a_change_reaches_not_the_new_meaning() -> None:
    """The person agreed to provision to ``partner`` in April, under version 1; in May
    the purpose it receives data for changed beyond relevance. Imported for the first
    time in June with its day and version, the row records nothing: that yes does not
    reach the new meaning, and the provision stays denied."""
    engine, _ = make_engine(_changed_service(), at=NOW)
    subject = engine.register_subject("u1", category="customer")
    engine.acquire(subject, items={"email"}, purposes={"service"}, channel="web")
    row = pp.ConsentImport(
        "u1", recipient="partner", items={"email"}, given_at=AFTER_CHANGE, policy_version="v1"
    )
    report = engine.import_consents([row])
    assert (report.recorded, report.purpose_changed) == (0, 1)
    assert engine.consents(subject) == ()
    denied = engine.check_provision(
        subject, recipient="partner", items={"email"}, purpose="service"
    )
    assert not denied.allowed


def test_r_con_3_a_legacy_yes_without_its_day_is_refused_where_a_change_makes_it_matter() -> None:
    """Without its day, a row for a scope whose purpose changed beyond relevance could
    tell of a yes to either meaning: refused by its number, saying what to add. Before,
    it was recorded as given at the import, under version 2, and allowed the provision."""
    engine, _ = make_engine(_changed_service(), at=NOW)
    engine.register_subject("u1", category="customer")
    rows = [
        pp.ConsentImport("u1", purpose="newsletter"),
        pp.ConsentImport("u1", recipient="partner", items={"email"}),
    ]
    with pytest.raises(RowRefused) as refused:
        engine.import_consents(rows)
    assert refused.value.row == 2
    assert "given_at" in refused.value.reason and "2026-05-01" in refused.value.reason
    assert engine.consents(engine.find_subject("u1") or "u1") == ()  # the batch undone


def test_r_con_1_a_dated_yes_after_the_change_is_recorded_as_given_then() -> None:
    engine, _ = make_engine(_changed_service(), at=NOW)
    subject = engine.register_subject("u1", category="customer")
    engine.acquire(subject, items={"email"}, purposes={"service"}, channel="web")
    given = datetime(2026, 5, 20, 14, 30, tzinfo=JST)
    report = engine.import_consents(
        [pp.ConsentImport("u1", recipient="partner", items={"email"}, given_at=given)]
    )
    assert report.recorded == 1
    [consent] = engine.consents(subject)
    assert (consent.given_at, consent.policy_version) == (given, "v2")
    assert engine.check_provision(
        subject, recipient="partner", items={"email"}, purpose="service"
    ).allowed
    [event] = [e for e in engine.audit_events() if e.kind == "consent.given"]
    assert datetime.fromisoformat(str(event.payload["given_at"])) == given
    assert event.at == NOW  # recorded now, given then


def test_r_con_3_a_legacy_yes_to_a_changed_purpose_is_judged_by_its_day() -> None:
    """``research`` changed beyond relevance on 2026-03-01: a yes given before it
    records nothing, one given after it is recorded."""
    engine, _ = make_engine(at=NOW)
    engine.register_subject("u1", category="customer")
    engine.register_subject("u2", category="customer")
    report = engine.import_consents(
        [
            pp.ConsentImport("u1", purpose="research", given_at=BEFORE_CHANGE, policy_version="v0"),
            pp.ConsentImport("u2", purpose="research", given_at=AFTER_CHANGE),
        ]
    )
    assert (report.recorded, report.purpose_changed) == (1, 1)
    [consent] = engine.consents(engine.find_subject("u2") or "u2")
    assert consent.given_at == AFTER_CHANGE


def test_r_con_1_a_yes_given_before_this_version_names_the_version_shown() -> None:
    """Before version 1 was revised (2026-03-15) the person was shown another notice:
    the record must not claim version 1. The row names it, or is refused."""
    engine, _ = make_engine(at=NOW)
    engine.register_subject("u1", category="customer")
    early = datetime(2026, 3, 14, 23, 0, tzinfo=JST)
    with pytest.raises(RowRefused) as refused:
        engine.import_consents([pp.ConsentImport("u1", purpose="newsletter", given_at=early)])
    assert "policy_version" in refused.value.reason and "2026-03-15" in refused.value.reason
    with pytest.raises(RowRefused, match="policy_version"):
        engine.import_consents(
            [pp.ConsentImport("u1", purpose="newsletter", given_at=early, policy_version="v1")]
        )
    with pytest.raises(RowRefused, match="policy_version"):  # not read as unsaid
        engine.import_consents(
            [pp.ConsentImport("u1", purpose="newsletter", given_at=early, policy_version=" ")]
        )
    report = engine.import_consents(
        [pp.ConsentImport("u1", purpose="newsletter", given_at=early, policy_version="v0")]
    )
    assert report.recorded == 1
    [consent] = engine.consents(engine.find_subject("u1") or "u1")
    assert consent.policy_version == "v0"
    # On the revision day, in the policy's zone (14:59 UTC the day before is 23:59 JST).
    revised_day = datetime(2026, 3, 14, 15, 0, tzinfo=timezone.utc)
    engine.register_subject("u2", category="customer")
    engine.import_consents([pp.ConsentImport("u2", purpose="newsletter", given_at=revised_day)])
    [second] = engine.consents(engine.find_subject("u2") or "u2")
    assert second.policy_version == "v1"


@pytest.mark.parametrize(
    ("given_at", "expires", "says"),
    [
        (NOW + timedelta(seconds=1), None, "after now"),
        (datetime(2026, 5, 1, 9, 0), None, "naive"),
        (AFTER_CHANGE, AFTER_CHANGE, "before it expires"),
    ],
)
def test_r_con_1_a_given_at_that_cannot_be_is_refused(
    given_at: datetime, expires: datetime | None, says: str
) -> None:
    engine, _ = make_engine(at=NOW)
    engine.register_subject("u1", category="customer")
    row = pp.ConsentImport("u1", purpose="newsletter", given_at=given_at, expires=expires)
    with pytest.raises(RowRefused, match=says) as refused:
        engine.import_consents([row])
    assert refused.value.row == 1


def test_r_con_1_a_no_said_before_a_dated_yes_does_not_hold_it_back() -> None:
    """The last word counts: a withdrawal recorded before the day of an imported yes is
    not a no to it; one after it is (``declined``)."""
    engine, clock = make_engine(at=datetime(2026, 4, 1, 9, 0, tzinfo=JST))
    subject = engine.register_subject("u1", category="customer")
    engine.grant_consent(subject, purpose="newsletter")
    engine.withdraw_consent(subject, purpose="newsletter")
    clock.set(NOW)
    later = datetime(2026, 5, 1, 9, 0, tzinfo=JST)
    earlier = datetime(2026, 3, 20, 9, 0, tzinfo=JST)
    old = engine.import_consents([pp.ConsentImport("u1", purpose="newsletter", given_at=earlier)])
    assert (old.recorded, old.declined) == (0, 1)
    new = engine.import_consents([pp.ConsentImport("u1", purpose="newsletter", given_at=later)])
    assert new.recorded == 1
    in_force = [c for c in engine.consents(subject) if c.is_active(NOW)]
    assert [c.given_at for c in in_force] == [later]


def test_r_con_1_files_carry_given_at_and_policy_version(tmp_path: Path) -> None:
    csv_file = tmp_path / "consents.csv"
    csv_file.write_text(
        "ref,purpose,given_at,policy_version\n"
        "u1,newsletter,2026-03-01T10:00:00+09:00,v0\n"
        "u2,newsletter,,\n",
        encoding="utf-8",
    )
    first, second = read_consents(csv_file)
    assert first.given_at == datetime(2026, 3, 1, 10, 0, tzinfo=JST)
    assert first.policy_version == "v0"
    assert (second.given_at, second.policy_version) == (None, None)
    jsonl = tmp_path / "consents.jsonl"
    jsonl.write_text('{"ref": "u1", "purpose": "newsletter", "given_at": "2026-03-01"}\n')
    with pytest.raises(pp.InvalidInput, match="given_at is a date without a time"):
        list(read_consents(jsonl))


def test_r_con_3_a_row_that_records_nothing_ends_nothing_the_person_holds() -> None:
    """A dated yes to the old meaning records nothing; the person's yes to the new
    meaning, given through the API, stays in force (it was written as expired)."""
    engine, _ = make_engine(at=NOW)
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"research"}, channel="web")
    granted = engine.grant_consent(s, purpose="research", expires=datetime(2027, 6, 1, tzinfo=JST))
    report = engine.import_consents(
        [pp.ConsentImport("u1", purpose="research", given_at=BEFORE_CHANGE, policy_version="v0")]
    )
    assert (report.recorded, report.purpose_changed) == (0, 1)
    [held] = engine.consents(s)
    assert (held.id, held.status) == (granted.id, pp.ConsentStatus.GIVEN)
    assert not [e for e in engine.audit_events() if e.kind == "consent.expired"]


def test_r_con_3_a_dated_yes_after_the_change_replaces_a_yes_to_the_old_meaning() -> None:
    """The store holds a yes given before ``research`` changed; a row dated after the
    change is a yes to the new meaning, recorded as grant_consent would record it."""
    engine, clock = make_engine(at=BEFORE_CHANGE)
    s = engine.register_subject("u1", category="customer")
    engine.grant_consent(s, purpose="research")
    clock.set(NOW)
    report = engine.import_consents(
        [pp.ConsentImport("u1", purpose="research", given_at=AFTER_CHANGE)]
    )
    assert (report.recorded, report.purpose_changed) == (1, 0)
    in_force = [c for c in engine.consents(s) if c.is_active(NOW)]
    assert [c.given_at for c in in_force] == [AFTER_CHANGE]
