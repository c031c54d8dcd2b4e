"""Identity checks in proportion (Art. 37(4)): the service's own login for online
requests, and identity documents suited to a minor, where the policy accepts them.
Seed 001's documents stay the default procedure (R-REQ-3)."""

from __future__ import annotations

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
