"""Identity checks in proportion (Art. 37(4)): the service's own login for online
requests, and identity documents suited to a minor, where the policy accepts them.
Seed 001's documents stay the default procedure (R-REQ-3)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import attrs
import pytest

import pipolicy as pp
from pipolicy.requests import verify_documents

from .support import TODAY, customer, license_, seal_certificate, shop_policy

G = pp.RefusalGround
LOGIN = pp.Document(pp.DocumentKind.SERVICE_LOGIN, issued=TODAY)
ONLINE = pp.RequestSettings(accept_service_login=True)


def test_r_req_3_art_37_4_a_login_identifies_the_person_online_where_the_policy_accepts_it() -> (
    None
):
    assert verify_documents(pp.Applicant.person(), [LOGIN], ONLINE, TODAY, online=True).ok


@pytest.mark.parametrize(
    ("settings", "online"),
    [
        (pp.RequestSettings(), True),  # the default procedure: documents, as seed 001 asks
        (ONLINE, False),  # a request answered by mail is not an online one
    ],
)
def test_r_req_3_art_37_4_a_login_is_no_id_otherwise(
    settings: pp.RequestSettings, online: bool
) -> None:
    result = verify_documents(pp.Applicant.person(), [LOGIN], settings, TODAY, online=online)
    assert result.ground is G.DOCUMENTS_INCOMPLETE


def test_r_req_3_art_37_4_a_login_dated_after_today_proves_nothing() -> None:
    future = pp.Document(pp.DocumentKind.SERVICE_LOGIN, issued=TODAY.replace(year=TODAY.year + 1))
    result = verify_documents(pp.Applicant.person(), [future], ONLINE, TODAY, online=True)
    assert not result.ok


def test_r_req_2_art_37_4_an_agent_still_proves_authority_beside_the_persons_login() -> None:
    agent = pp.Applicant.voluntary_agent()
    result = verify_documents(agent, [LOGIN], ONLINE, TODAY, online=True)
    assert result.ground is G.DOCUMENTS_INCOMPLETE  # no power of attorney, no agent ID
    attorney = pp.Document(pp.DocumentKind.POWER_OF_ATTORNEY, issued=TODAY)
    docs = [LOGIN, attorney, seal_certificate(), license_("agent")]
    assert verify_documents(agent, docs, ONLINE, TODAY, online=True).ok


def test_r_req_3_art_37_4_a_student_id_serves_a_minor_where_the_policy_lists_it() -> None:
    student = pp.Document(pp.DocumentKind.STUDENT_ID, issued=TODAY)
    default = verify_documents(pp.Applicant.person(), [student], pp.RequestSettings(), TODAY)
    assert default.ground is G.IDENTITY_UNCONFIRMED  # not accepted unless listed
    listed = pp.RequestSettings(
        accepted_ids=pp.RequestSettings().accepted_ids | {pp.DocumentKind.STUDENT_ID}
    )
    assert verify_documents(pp.Applicant.person(), [student], listed, TODAY).ok


def test_r_req_3_art_37_4_an_electronic_request_is_verified_by_the_login(
    store: pp.Store, clock: pp.FixedClock
) -> None:
    engine = pp.Engine(shop_policy(ONLINE), store=store, clock=clock)
    s = customer(engine)
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE, subject=s, documents=[LOGIN], method="electronic"
    )
    assert engine.requests.verify(r.id).state is pp.RequestState.VERIFIED
    by_mail = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=[LOGIN])
    assert engine.requests.verify(by_mail.id).ground is G.DOCUMENTS_INCOMPLETE


# -- a login proves identity only when it is recent relative to the request -------------


def login(days_before: int) -> pp.Document:
    return pp.Document(pp.DocumentKind.SERVICE_LOGIN, issued=TODAY - timedelta(days=days_before))


@pytest.mark.parametrize("days_before", [0, 1])
def test_r_req_3_art_37_4_a_login_on_the_day_received_or_the_day_before_identifies(
    days_before: int,
) -> None:
    later = TODAY + timedelta(days=5)  # verified days after the request was received
    result = verify_documents(
        pp.Applicant.person(), [login(days_before)], ONLINE, later, online=True, received=TODAY
    )
    assert result.ok


@pytest.mark.parametrize("days_before", [2, 3 * 365, -1])
def test_r_req_3_art_37_4_a_login_not_around_the_request_proves_nothing(
    days_before: int,
) -> None:
    later = TODAY + timedelta(days=5)
    stale = login(days_before)
    result = verify_documents(
        pp.Applicant.person(), [stale], ONLINE, later, online=True, received=TODAY
    )
    assert result.ground is G.IDENTITY_UNCONFIRMED
    [problem] = [p for p in result.problems if p.note == "login_not_recent"]
    assert problem.facts == {"issued": stale.issued.isoformat(), "received": TODAY.isoformat()}  # type: ignore[union-attr]


def test_r_req_3_art_37_4_a_stale_login_beside_a_valid_id_is_no_problem() -> None:
    result = verify_documents(
        pp.Applicant.person(), [login(400), license_()], ONLINE, TODAY, online=True
    )
    assert result.ok


@pytest.mark.parametrize(("lang", "day"), [("en", "2023-11-23"), ("ja", "2023年11月23日")])
def test_r_req_3_art_37_4_the_refusal_says_when_the_login_was_and_why_it_is_not_enough(
    lang: str, day: str
) -> None:
    policy = pp.example_policy("indigo_blue")
    policy = attrs.evolve(policy, requests=attrs.evolve(policy.requests, accept_service_login=True))
    # 08:30 on 22 November in Tokyo, on a clock in UTC (where it is 21 November).
    engine = pp.Engine(
        policy, clock=pp.FixedClock(datetime(2026, 11, 21, 23, 30, tzinfo=timezone.utc))
    )
    s = engine.register_subject("c-1", category="customer")

    def verified(issued: date) -> pp.Request:
        signed_in = pp.Document(pp.DocumentKind.SERVICE_LOGIN, issued=issued)
        r = engine.requests.submit(
            pp.RequestKind.DISCLOSURE,
            subject=s,
            documents=[signed_in],
            method="electronic",
            language=lang,
        )
        return engine.requests.verify(r.id)

    assert verified(date(2026, 11, 21)).state is pp.RequestState.VERIFIED  # the day before
    assert verified(date(2026, 11, 20)).ground is G.IDENTITY_UNCONFIRMED  # in Tokyo's days
    stale = verified(date(2023, 11, 23))
    assert stale.ground is G.IDENTITY_UNCONFIRMED and stale.statement is not None
    assert day in stale.statement
    assert ("2026-11-22" if lang == "en" else "2026年11月22日") in stale.statement.split("\n\n")[2]
