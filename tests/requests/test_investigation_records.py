"""R-REQ-7: the investigation reads the records as a table of cases (pure, no engine).

Records here are built by hand, as a migration from an older system might have written
them, so that the cross-checks against consents and the policy can be exercised one by
one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipolicy as pp
from pipolicy.domain.audit import AuditEvent, next_event
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


def test_r_req_7_004_l25_retention_runs_from_when_the_person_left() -> None:
    purposes = dict(POLICY.purposes)
    purposes["campaign"] = attrs.evolve(purposes["campaign"], retention_from="left")
    policy = attrs.evolve(POLICY, purposes=purposes)
    acq = acquisition("a-1", {"campaign"}, {"email"}, at_days=-100)
    # A customer who still uses the service: the data is still needed.
    assert investigate_records(policy, facts([acq]), [], [], T0 + 1000 * DAY) == []
    left = attrs.evolve(SUBJECT, left_at=T0 - 10 * DAY)  # campaign data is kept 30 days
    f = SubjectFacts(left, (acq,), (), ())
    assert investigate_records(policy, f, [], [], T0) == []
    # Left at 10:00 on 12 November: 30 days from the 13th, through 12 December.
    assert investigate_records(policy, f, [], [], T0 + 20 * DAY) == []  # its last day
    [due] = investigate_records(policy, f, [], [], T0 + 21 * DAY)
    assert due.kind is FindingKind.NO_LONGER_NEEDED
    assert due.at == datetime(2026, 12, 13, 0, 0, tzinfo=T0.tzinfo)


def test_r_req_7_findings_outside_the_requested_items_are_not_relevant() -> None:
    acq = acquisition("a-1", {"campaign"}, {"email"}, at_days=-100)
    found = tuple(investigate_records(POLICY, facts([acq]), [], [], T0))
    on_email = Investigation("r-1", pp.RequestKind.DELETION, "s-1", T0, found, frozenset({"email"}))
    on_name = Investigation("r-1", pp.RequestKind.DELETION, "s-1", T0, found, frozenset({"name"}))
    assert on_email.supports
    assert not on_name.supports
    assert on_email.to_dict()["relevant"] == ["acquisition:a-1"]


# -- attempts and grounds ---------------------------------------------------------------

KINDS = [pp.RequestKind.DELETION, pp.RequestKind.SUSPENSION_OF_USE]
ALL_KINDS = [*KINDS, pp.RequestKind.SUSPENSION_OF_PROVISION]


def events(*specs: tuple[str, dict[str, object]]) -> list[AuditEvent]:
    """Audit events about s-1, one day apart, chained as the engine chains them."""
    out: list[AuditEvent] = []
    for i, (kind, payload) in enumerate(specs):
        out.append(
            next_event(out[-1] if out else None, T0 - (len(specs) - i) * DAY, kind, "s-1", payload)
        )
    return out


def investigation(
    kind: pp.RequestKind, f: SubjectFacts, evs: Sequence[AuditEvent] = ()
) -> Investigation:
    found = tuple(investigate_records(POLICY, f, [], evs, T0))
    return Investigation("r-1", kind, "s-1", T0, found)


@settings(max_examples=60, deadline=None)
@given(
    specs=st.lists(
        st.tuples(
            st.sampled_from(["use.denied", "acquisition.denied", "provision.denied"]),
            st.sampled_from(["service", "newsletter", "health", "campaign"]),
            st.lists(
                st.sampled_from(
                    [
                        "use beyond the notified purposes (R-USE-4)",
                        "purpose 'health' needs the person's permission first (R-USE-7)",
                        "items not acquired for this person: ['phone'] (R-USE-1)",
                        "no prior consent of the person to provision to 'partner' (R-TPP-1)",
                        "items ['phone'] are not declared for purpose 'newsletter' (R-ACQ-2)",
                    ]
                ),
                min_size=1,
                max_size=2,
            ),
            st.sets(st.sampled_from(["APPI Art. 18(1)", "APPI Art. 27(1)", "APPI Art. 31"])),
        ),
        min_size=1,
        max_size=6,
    ),
    kind=st.sampled_from(ALL_KINDS),
)
def test_r_req_7_attempts_pipolicy_refused_are_never_grounds(
    specs: list[tuple[str, str, list[str], set[str]]], kind: pp.RequestKind
) -> None:
    denials: list[tuple[str, dict[str, object]]] = [
        (
            event,
            {
                "allowed": False,
                "basis": None,
                "purpose": purpose,
                "recipient": "partner" if event == "provision.denied" else None,
                "items": ["email"],
                "reasons": reasons,
                "citations": sorted(cites),
            },
        )
        for event, purpose, reasons, cites in specs
    ]
    evs = events(*denials)
    inv = investigation(kind, facts([acquisition("a-1", {"service"}, {"email"})]), evs)
    assert all(f.denied for f in inv.findings)
    assert inv.grounds == ()
    assert not inv.supports
    assert inv.summary().startswith("We checked our records of acquiring, using and providing")
    assert "no ground" not in inv.summary()


def consent_to(purpose: str, cid: str, *, given: int, ended: int | None = None) -> pp.Consent:
    return pp.Consent(
        cid,
        "s-1",
        pp.ConsentScope(purpose=purpose),
        pp.ConsentStatus.WITHDRAWN if ended is not None else pp.ConsentStatus.GIVEN,
        pp.Evidence("web-form"),
        "shop-1",
        T0 + given * DAY,
        ended_at=None if ended is None else T0 + ended * DAY,
    )


def use(purpose: str, items: list[str], **payload: object) -> tuple[str, dict[str, object]]:
    allowed = payload.get("basis") is not None
    return (
        "use.allowed" if allowed else "use.denied",
        {"allowed": allowed, "purpose": purpose, "items": items, **payload},
    )


def test_r_req_7_a_use_refused_after_the_consent_was_withdrawn_is_not_beyond_purpose() -> None:
    # The newsletter was consented to, used, the consent withdrawn, and a use attempted:
    # pipolicy refused it (citing Art. 18, R-USE-4, as the purpose is not notified for
    # the e-mail), but it is a use without consent, not a use beyond purpose.
    f = facts(
        [acquisition("a-1", {"service"}, {"email"})],
        [consent_to("newsletter", "c-1", given=-30, ended=-1)],
    )
    evs = events(
        use("newsletter", ["email"], basis="consent", consent_id="c-1"),
        use(
            "newsletter",
            ["email"],
            reasons=["use beyond the notified purposes: ... (R-USE-4)"],
            citations=["APPI Art. 18(1)"],
        ),
    )
    inv = investigation(pp.RequestKind.SUSPENSION_OF_USE, f, evs)
    [attempt] = inv.findings
    assert attempt.kind is FindingKind.USE_WITHOUT_CONSENT
    assert attempt.denied
    assert attempt.evidence == f"audit:{evs[1].seq}"  # the use made under consent is fine
    assert not inv.supports


def test_r_req_7_a_use_refused_for_want_of_permission_first_is_not_beyond_purpose() -> None:
    f = facts([acquisition("a-1", {"health"}, {"name", "medical_history"})])
    evs = events(
        use(
            "health",
            ["medical_history"],
            reasons=["purpose 'health' needs the person's permission first (R-USE-7)"],
            citations=["APPI Art. 18(1)", "policy:purposes.health"],
        )
    )
    inv = investigation(pp.RequestKind.DELETION, f, evs)
    uses = [x for x in inv.findings if x.evidence.startswith("audit:")]
    assert [(x.kind, x.rule, x.denied) for x in uses] == [
        (FindingKind.USE_WITHOUT_CONSENT, "R-USE-7", True)
    ]


@pytest.mark.parametrize(
    ("given", "ended", "items", "expected"),
    [
        (-30, None, ["email"], None),  # in force: the basis it claims
        (-30, -5, ["email"], FindingKind.USE_BEYOND_PURPOSE),  # withdrawn before the use
        (-1, None, ["email"], FindingKind.USE_BEYOND_PURPOSE),  # given after the use
        (-30, None, ["name"], FindingKind.USE_BEYOND_PURPOSE),  # items the consent lacks
    ],
)
def test_r_req_7_a_use_recorded_on_a_consent_not_in_force_is_a_ground(
    given: int, ended: int | None, items: list[str], expected: FindingKind | None
) -> None:
    c = attrs.evolve(
        consent_to("newsletter", "c-1", given=given, ended=ended),
        scope=pp.ConsentScope(purpose="newsletter", items=frozenset({"email"})),
    )
    f = facts([acquisition("a-1", {"service"}, {"email", "name"})], [c])
    # The use happened at T0 - 2 days (an import from the old CRM's log, say).
    evs = events(use("newsletter", items, basis="consent", consent_id="c-1"), ("noop", {}))
    inv = investigation(pp.RequestKind.SUSPENSION_OF_USE, f, evs)
    assert [x.kind for x in inv.grounds] == ([] if expected is None else [expected])
    assert inv.supports is (expected is not None)


def test_r_req_7_a_use_needing_permission_first_recorded_without_it_is_a_ground() -> None:
    # Medical history acquired for advice (needs permission first, R-USE-7), used on a
    # consent id the records do not hold.
    f = facts([acquisition("a-1", {"health"}, {"name", "medical_history"}, at_days=-50)])
    evs = events(
        ("acquisition.recorded", {"acquisition_id": "a-1", "basis": "exemption"}),
        use("health", ["medical_history"], basis="consent", consent_id="lost"),
    )
    inv = investigation(pp.RequestKind.SUSPENSION_OF_USE, f, evs)
    [ground] = inv.grounds
    assert (ground.kind, ground.rule) == (FindingKind.USE_WITHOUT_CONSENT, "R-USE-7")
    assert inv.supports
    assert "use without the consent it needed: 1" in inv.summary()


def test_r_req_7_uses_under_a_claimed_exemption_or_the_notified_purpose_are_no_finding() -> None:
    f = facts([acquisition("a-1", {"service"}, {"email"})])
    evs = events(
        use("service", ["email"], basis="notified_purpose"),
        use("newsletter", ["email"], basis="exemption", justification="court order 12"),
    )
    assert investigate_records(POLICY, f, [], evs, T0) == []


# -- acquisitions checked against the policy of their day ---------------------------------


def recorded(aid: str, basis: str = "notified_purpose") -> tuple[str, dict[str, object]]:
    return ("acquisition.recorded", {"acquisition_id": aid, "basis": basis})


def test_r_req_7_a_recorded_acquisition_whose_purpose_was_dropped_is_no_longer_needed() -> None:
    acq = attrs.evolve(
        acquisition("a-1", {"loyalty_programme"}, {"email"}), policy_version="shop-0"
    )
    [finding] = investigation(
        pp.RequestKind.DELETION, facts([acq]), events(recorded("a-1"))
    ).findings
    assert finding.kind is FindingKind.NO_LONGER_NEEDED
    assert "no longer declares" in finding.summary
    # The same record from outside pipolicy: nothing shows the purpose was ever declared.
    [imported] = investigation(pp.RequestKind.DELETION, facts([acq])).findings
    assert imported.kind is FindingKind.IMPROPER_ACQUISITION


def test_r_req_7_a_recorded_acquisition_is_not_judged_by_a_later_consent_rule() -> None:
    # Acquired under shop-0, when the health purpose did not yet ask permission first;
    # pipolicy checked it then. The rule added since does not make it improper.
    old = attrs.evolve(acquisition("a-1", {"health"}, {"name"}), policy_version="shop-0")
    assert investigate_records(POLICY, facts([old]), [], events(recorded("a-1")), T0) == []
    same = attrs.evolve(old, policy_version="shop-1")
    [finding] = investigate_records(POLICY, facts([same]), [], events(recorded("a-1")), T0)
    assert finding.rule == "R-USE-7"


def test_r_req_7_data_still_held_for_a_running_purpose_is_not_no_longer_needed() -> None:
    campaign = acquisition("a-1", {"campaign"}, {"email", "name"}, at_days=-100)
    service = acquisition("a-2", {"service"}, {"email"}, at_days=-100)
    [finding] = investigate_records(POLICY, facts([campaign, service]), [], [], T0)
    assert finding.kind is FindingKind.NO_LONGER_NEEDED
    assert finding.items == frozenset({"name"})  # the e-mail still serves the orders
