"""R-REQ-7: the investigation reads the records as a table of cases (pure, no engine).

Records here are built by hand, as a migration from an older system might have written
them, so that the cross-checks against consents and the policy can be exercised one by
one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import attrs

import pipolicy as pp
from pipolicy.domain.audit import next_event
from pipolicy.requests.investigation import FindingKind, Investigation, investigate_records
from pipolicy.storage.repositories import SubjectFacts

from .support import T0, shop_policy

POLICY = shop_policy()
SUBJECT = pp.Subject("s-1", "user-1", T0 - timedelta(days=400), None)
DAY = timedelta(days=1)


def acquisition(
    aid: str, purposes: set[str], items: set[str], at_days: int = -100
) -> pp.Acquisition:
    return pp.Acquisition(
        aid,
        "s-1",
        frozenset(items),
        frozenset(purposes),
        pp.Channel.WEB,
        "form",
        T0 + at_days * DAY,
        "shop-1",
    )


def consent(
    cid: str, *, recipient: str, items: set[str], given: int, ended: int | None = None
) -> pp.Consent:
    return pp.Consent(
        cid,
        "s-1",
        pp.ConsentScope(recipient=recipient, items=frozenset(items)),
        pp.ConsentStatus.WITHDRAWN if ended is not None else pp.ConsentStatus.GIVEN,
        pp.Evidence("web-form"),
        "shop-1",
        T0 + given * DAY,
        ended_at=None if ended is None else T0 + ended * DAY,
    )


def record(
    rid: str, *, at: int, items: set[str], consent_id: str | None = None, **kw: object
) -> pp.ProvisionRecord:
    base = pp.ProvisionRecord(
        rid,
        "s-1",
        "partner",
        "Partner Co.",
        frozenset(items),
        "service",
        pp.Basis.CONSENT,
        T0 + at * DAY,
        True,
        consent_id=consent_id,
    )
    return attrs.evolve(base, **kw)  # type: ignore[arg-type]


def facts(
    acquisitions: Sequence[pp.Acquisition] = (), consents: Sequence[pp.Consent] = ()
) -> SubjectFacts:
    return SubjectFacts(SUBJECT, tuple(acquisitions), tuple(consents), ())


def findings(f: SubjectFacts, records: Sequence[pp.ProvisionRecord] = ()) -> list[tuple[str, str]]:
    return [(x.kind.value, x.evidence) for x in investigate_records(POLICY, f, records, [], T0)]


def test_r_req_7_an_acquisition_for_an_undeclared_purpose_is_improper() -> None:
    f = facts([acquisition("a-1", {"loyalty_programme"}, {"email"})])
    assert findings(f) == [("improper_acquisition", "acquisition:a-1")]


def test_r_req_7_an_acquisition_without_any_purpose_is_improper() -> None:
    assert findings(facts([acquisition("a-1", set(), {"email"})])) == [
        ("improper_acquisition", "acquisition:a-1")
    ]


def test_r_req_7_a_consent_based_provision_before_the_consent_was_given_has_no_basis() -> None:
    c = consent("c-1", recipient="partner", items={"email"}, given=-10)
    early = record("p-early", at=-20, items={"email"}, consent_id="c-1")
    fine = record("p-fine", at=-5, items={"email"}, consent_id="c-1")
    assert findings(facts(consents=[c]), [early, fine]) == [
        ("provision_without_basis", "provision:p-early")
    ]


def test_r_req_7_a_provision_after_the_consent_was_withdrawn_has_no_basis() -> None:
    c = consent("c-1", recipient="partner", items={"email"}, given=-30, ended=-10)
    late = record("p-late", at=-9, items={"email"}, consent_id="c-1")
    assert findings(facts(consents=[c]), [late]) == [
        ("provision_without_basis", "provision:p-late")
    ]


def test_r_req_7_a_provision_of_items_the_consent_does_not_cover_has_no_basis() -> None:
    c = consent("c-1", recipient="partner", items={"email"}, given=-30)
    wider = record("p-wide", at=-5, items={"email", "name"}, consent_id="c-1")
    assert findings(facts(consents=[c]), [wider]) == [
        ("provision_without_basis", "provision:p-wide")
    ]


def test_r_req_7_a_consent_to_another_recipient_is_no_basis() -> None:
    c = consent("c-1", recipient="court", items={"email"}, given=-30)
    other = record("p-1", at=-5, items={"email"}, consent_id="c-1")
    assert findings(facts(consents=[c]), [other]) == [("provision_without_basis", "provision:p-1")]


def test_r_req_7_an_exemption_without_a_justification_has_no_basis() -> None:
    bare = record(
        "p-1",
        at=-5,
        items={"name"},
        basis=pp.Basis.EXEMPTION,
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification="  ",
    )
    justified = attrs.evolve(bare, id="p-2", justification="order 2026-123")
    assert findings(facts(), [bare, justified]) == [("provision_without_basis", "provision:p-1")]


def test_r_req_7_an_acquisition_recorded_under_an_exemption_needs_no_consent() -> None:
    acq = acquisition("a-1", {"health"}, {"name", "medical_history"})
    event = next_event(
        None, T0, "acquisition.recorded", "s-1", {"acquisition_id": "a-1", "basis": "exemption"}
    )
    assert investigate_records(POLICY, facts([acq]), [], [event], T0) == []
    assert {x.rule for x in investigate_records(POLICY, facts([acq]), [], [], T0)} == {
        "R-USE-7",
        "R-ACQ-3",
    }


def test_r_req_7_retention_runs_from_when_the_person_left() -> None:
    acq = acquisition("a-1", {"campaign"}, {"email"}, at_days=-100)
    left = attrs.evolve(SUBJECT, left_at=T0 - 10 * DAY)  # campaign data is kept 30 days
    f = SubjectFacts(left, (acq,), (), ())
    assert investigate_records(POLICY, f, [], [], T0) == []
    [due] = investigate_records(POLICY, f, [], [], T0 + 20 * DAY)
    assert due.kind is FindingKind.NO_LONGER_NEEDED
    assert due.at == T0 + 20 * DAY


def test_r_req_7_findings_outside_the_requested_items_are_not_relevant() -> None:
    acq = acquisition("a-1", {"campaign"}, {"email"}, at_days=-100)
    found = tuple(investigate_records(POLICY, facts([acq]), [], [], T0))
    on_email = Investigation("r-1", pp.RequestKind.DELETION, "s-1", T0, found, frozenset({"email"}))
    on_name = Investigation("r-1", pp.RequestKind.DELETION, "s-1", T0, found, frozenset({"name"}))
    assert on_email.supports
    assert not on_name.supports
    assert on_email.to_dict()["relevant"] == ["acquisition:a-1"]
