"""R-REQ-3: the documents are judged as they stood on the day the request reached the
business, in the policy's time zone, however long the business takes to check them.

The person sends a copy of a valid ID, an agent a certificate issued within the policy's
limit (seed 001: "within 3 months from issuance"). The request is made then: Art. 37(4)
has the procedure spare the person excessive burden, and Art. 39 counts from the day the
request reached the business. A business slow to open its mail cannot turn documents that
were valid when they arrived into a refusal (and make the person start again, with new
certificates and a new two weeks before they may sue).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pipolicy as pp

from .support import JST, customer, license_, passport, power_of_attorney

G = pp.RefusalGround
RECEIVED = date(2026, 11, 22)


def _certificate(issued: date) -> pp.Document:
    return pp.Document(pp.DocumentKind.SEAL_CERTIFICATE, issued)


def test_r_req_3_a_seal_certificate_valid_on_receipt_stays_valid_while_the_request_waits(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    s = customer(engine)
    # Issued three months to the day before the request arrived: within the limit then.
    docs = [passport(), power_of_attorney(), _certificate(date(2026, 8, 22)), license_("agent")]
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE,
        subject=s,
        applicant=pp.Applicant.voluntary_agent(),
        documents=docs,
    )

    clock.advance(timedelta(days=10))  # the business checks the mail ten days later
    r = engine.requests.verify(r.id)

    assert r.state is pp.RequestState.VERIFIED, r.statement


def test_r_req_3_a_family_register_valid_on_receipt_stays_valid_while_the_request_waits(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    s = customer(engine)
    register = pp.Document(pp.DocumentKind.FAMILY_REGISTER, date(2026, 8, 25))
    r = engine.requests.submit(
        pp.RequestKind.CORRECTION,
        subject=s,
        applicant=pp.Applicant.legal_representative(of="minor"),
        documents=[passport(), register, license_("agent")],
        details={"changes": {"email": "new@example.jp"}},
    )

    clock.advance(timedelta(days=7))
    r = engine.requests.verify(r.id, minor_on_receipt=True)

    assert r.state is pp.RequestState.VERIFIED, r.statement


def test_r_req_3_an_id_valid_on_receipt_still_confirms_identity_after_it_expires(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    s = customer(engine)
    doc = passport(expires=RECEIVED + timedelta(days=2))
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=[doc])

    clock.advance(timedelta(days=3))  # the passport expires while the request waits
    r = engine.requests.verify(r.id)

    assert r.state is pp.RequestState.VERIFIED, r.statement


def test_r_req_3_an_agents_id_valid_on_receipt_still_confirms_the_agent(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    s = customer(engine)
    docs = [
        passport(),
        power_of_attorney(),
        _certificate(date(2026, 11, 1)),
        license_("agent", expires=RECEIVED),
    ]
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE,
        subject=s,
        applicant=pp.Applicant.voluntary_agent(),
        documents=docs,
    )

    clock.advance(timedelta(days=1))
    r = engine.requests.verify(r.id)

    assert r.state is pp.RequestState.VERIFIED, r.statement


def test_r_req_3_a_certificate_too_old_on_receipt_is_refused_naming_that_day(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    s = customer(engine)
    docs = [passport(), power_of_attorney(), _certificate(date(2026, 8, 21)), license_("agent")]
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE,
        subject=s,
        applicant=pp.Applicant.voluntary_agent(),
        documents=docs,
    )

    clock.advance(timedelta(days=4))
    r = engine.requests.verify(r.id)

    assert r.state is pp.RequestState.REFUSED
    assert r.ground is G.AGENCY_UNCONFIRMED
    assert r.statement is not None
    assert "2026-08-21" in r.statement
    # The day it is measured from is the day the request arrived, not the day checked.
    assert "2026-11-22" in r.statement
    assert "today" not in r.statement


def test_r_req_3_a_certificate_is_measured_from_the_day_of_receipt_in_the_policys_zone(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    """Received at 00:30 on 22 November in Tokyo (still 21 November in UTC): three months
    before it is 22 August, so a certificate issued on 21 August is too old."""
    clock.set(datetime(2026, 11, 22, 0, 30, tzinfo=JST))
    s = customer(engine)
    docs = [passport(), power_of_attorney(), _certificate(date(2026, 8, 21)), license_("agent")]
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE,
        subject=s,
        applicant=pp.Applicant.voluntary_agent(),
        documents=docs,
    )

    r = engine.requests.verify(r.id)

    assert r.state is pp.RequestState.REFUSED
    assert r.ground is G.AGENCY_UNCONFIRMED


def test_r_req_3_a_document_issued_after_the_request_arrived_proves_nothing(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    s = customer(engine)
    later = pp.Document(pp.DocumentKind.PASSPORT, RECEIVED + timedelta(days=1), date(2036, 1, 1))
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=[later])

    clock.advance(timedelta(days=5))
    r = engine.requests.verify(r.id)

    assert r.state is pp.RequestState.REFUSED
    assert r.ground is G.IDENTITY_UNCONFIRMED


def test_r_req_3_the_japanese_letter_measures_the_certificate_from_the_day_of_receipt(
    clock: pp.FixedClock,
) -> None:
    engine = pp.Engine(pp.example_policy("indigo_blue"), clock=clock)
    s = engine.register_subject("member-1", category="customer")
    docs = [passport(), power_of_attorney(), _certificate(date(2026, 8, 21)), license_("agent")]
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE,
        subject=s,
        applicant=pp.Applicant.voluntary_agent(),
        documents=docs,
        language="ja",
    )
    clock.advance(timedelta(days=4))
    r = engine.requests.verify(r.id)

    assert r.state is pp.RequestState.REFUSED
    assert r.statement is not None
    assert "2026年11月22日" in r.statement  # the day received, the day it is measured from
    assert "確認日" not in r.statement
