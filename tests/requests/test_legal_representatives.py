"""R-REQ-2, R-REQ-3: a legal representative is one of a minor or of an adult ward.

Art. 37(3) and Cabinet Order Art. 13 let the legal representative of a minor or of an
adult ward (成年被後見人) ask for the person. Seed 001 asks "documents that can prove that
you have legal representative rights (a copy of your family register ..., etc.)". A
family register names a minor's parents with parental authority or a minor's guardian:
it proves representing a minor, and only while the person is a minor. An adult ward's
guardian is shown by the certificate of registered matters of adult guardianship
(登記事項証明書), never by a family register: a parent of an adult child is not their
legal representative, whatever the register shows.

pipolicy keeps no birth date (R-REQ-10): the officer reads the register and says
whether the person was a minor on the day the request was received; that yes or no is
what is recorded.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

import pipolicy as pp
from pipolicy.requests import verify_documents

from .support import T0, TODAY, customer, family_register, license_, passport, shop_policy

K = pp.RequestKind
CERT = pp.Document(pp.DocumentKind.GUARDIANSHIP_CERTIFICATE, issued=TODAY - timedelta(days=10))
REGISTER_DOCS = [passport(), family_register(), license_("agent")]
GUARDIAN_DOCS = [passport(), CERT, license_("agent")]


def _submit(engine: pp.Engine, applicant: pp.Applicant, docs: list[pp.Document]) -> pp.Request:
    s = customer(engine)
    return engine.requests.submit(K.DISCLOSURE, subject=s, applicant=applicant, documents=docs)


def test_r_req_2_a_family_register_does_not_prove_representing_an_adult_ward(
    engine: pp.Engine,
) -> None:
    r = _submit(engine, pp.Applicant.legal_representative(of="adult_ward"), REGISTER_DOCS)
    r = engine.requests.verify(r.id)
    assert r.state is pp.RequestState.REFUSED
    assert r.ground is pp.RefusalGround.DOCUMENTS_INCOMPLETE
    assert r.statement is not None
    assert "certificate of registered matters of adult guardianship" in r.statement
    assert "a family register does not show who is an adult's guardian" in r.statement


def test_r_req_2_an_adult_ward_s_guardian_proves_it_by_the_certificate(
    engine: pp.Engine,
) -> None:
    r = _submit(engine, pp.Applicant.legal_representative(of="adult_ward"), GUARDIAN_DOCS)
    r = engine.requests.verify(r.id)
    assert r.state is pp.RequestState.VERIFIED
    assert "minor_on_receipt" not in json.dumps(r.details["verification"])


def test_r_req_3_the_guardianship_certificate_must_be_recent(engine: pp.Engine) -> None:
    old = pp.Document(pp.DocumentKind.GUARDIANSHIP_CERTIFICATE, issued=TODAY - timedelta(days=200))
    r = _submit(
        engine,
        pp.Applicant.legal_representative(of="adult_ward"),
        [passport(), old, license_("agent")],
    )
    r = engine.requests.verify(r.id)
    assert r.ground is pp.RefusalGround.AGENCY_UNCONFIRMED
    assert r.statement is not None
    # Named once, by its title: not "the certificate ... (certificate ...)".
    assert r.statement.count("certificate of registered matters of adult guardianship") == 1


@pytest.mark.parametrize("of", ["minor", None])
def test_r_req_2_a_parent_of_a_person_of_age_is_not_their_legal_representative(
    engine: pp.Engine, of: str | None
) -> None:
    """The officer read in the register that the person was of age on the day received."""
    r = _submit(engine, pp.Applicant.legal_representative(of=of), REGISTER_DOCS)
    r = engine.requests.verify(r.id, minor_on_receipt=False)
    assert r.state is pp.RequestState.REFUSED
    assert r.ground is pp.RefusalGround.AGENCY_UNCONFIRMED
    assert r.statement is not None and "was not a minor" in r.statement
    assert r.details["verification"]["minor_on_receipt"] is False  # type: ignore[index]


@pytest.mark.parametrize("of", ["minor", None])
def test_r_req_2_a_parent_of_a_minor_is_verified_on_the_officer_s_confirmation(
    engine: pp.Engine, of: str | None
) -> None:
    r = _submit(engine, pp.Applicant.legal_representative(of=of), REGISTER_DOCS)
    r = engine.requests.verify(r.id, minor_on_receipt=True)
    assert r.state is pp.RequestState.VERIFIED
    assert r.details["verification"]["minor_on_receipt"] is True  # type: ignore[index]
    # A checked fact, never a date of birth: nothing in the request or the log says one.
    stored = json.dumps(r.details, default=str) + json.dumps(
        [e.payload for e in engine.audit_events()], default=str
    )
    assert "birth" not in stored
    [verified] = [e for e in engine.audit_events() if e.kind == "request.verified"]
    assert verified.payload["minor_on_receipt"] is True


def test_r_req_2_the_officer_must_say_whether_the_person_is_a_minor(engine: pp.Engine) -> None:
    """Neither accepted on the register alone nor refused for want of the officer's
    answer: verification asks for it and records nothing."""
    r = _submit(engine, pp.Applicant.legal_representative(of="minor"), REGISTER_DOCS)
    with pytest.raises(pp.InvalidInput, match="minor_on_receipt"):
        engine.requests.verify(r.id)
    assert engine.requests.get(r.id).state is pp.RequestState.RECEIVED


def test_r_req_2_whom_the_representative_represents_is_kept(engine: pp.Engine) -> None:
    """Read back from the store (memory and SQL): the applicant's statement survives."""
    r = _submit(engine, pp.Applicant.legal_representative(of="adult_ward"), GUARDIAN_DOCS)
    assert engine.requests.get(r.id).applicant == pp.Applicant.legal_representative(
        of=pp.Representation.ADULT_WARD
    )
    [received] = [e for e in engine.audit_events() if e.kind == "request.received"]
    assert received.payload["represents"] == "adult_ward"


def test_r_req_2_only_a_legal_representative_represents_someone() -> None:
    with pytest.raises(pp.InvalidInput):
        pp.Applicant(pp.ApplicantKind.VOLUNTARY_AGENT, pp.Representation.MINOR)


def test_r_req_2_unstated_representation_takes_either_proof_on_its_own_terms() -> None:
    """Requests stored before the representation could be stated read as unstated: the
    certificate proves it, a family register only with the person a minor."""
    settings = shop_policy().requests
    unstated = pp.Applicant(pp.ApplicantKind.LEGAL_REPRESENTATIVE)
    assert verify_documents(unstated, GUARDIAN_DOCS, settings, TODAY).ok
    assert verify_documents(unstated, REGISTER_DOCS, settings, TODAY, minor=True).ok
    for minor in (None, False):
        v = verify_documents(unstated, REGISTER_DOCS, settings, TODAY, minor=minor)
        assert v.ground is pp.RefusalGround.AGENCY_UNCONFIRMED
    both = [*REGISTER_DOCS, CERT]
    assert verify_documents(unstated, both, settings, TODAY, minor=False).ok


def test_r_req_2_the_refusals_are_worded_in_japanese() -> None:
    engine = pp.Engine(pp.example_policy("indigo_blue"), clock=pp.FixedClock(T0))
    s = engine.register_subject("u1", category="customer")
    cases = [
        ("adult_ward", None, "成年後見に関する登記事項証明書の添付がありませんでした"),
        ("minor", False, "未成年者ではありませんでした"),
    ]
    for of, minor, words in cases:
        r = engine.requests.submit(
            K.DISCLOSURE,
            subject=s,
            applicant=pp.Applicant.legal_representative(of=of),
            documents=REGISTER_DOCS,
            language="ja",
        )
        r = engine.requests.verify(r.id, minor_on_receipt=minor)
        assert r.state is pp.RequestState.REFUSED
        assert r.statement is not None and words in r.statement, r.statement


def test_r_req_2_an_adult_ward_s_guardian_sends_the_certificate_itself() -> None:
    """Another document of the person (``other``, holder ``"person"``), the way the
    certificate was given before it had a kind, may be the very ID that proved who the
    person is: a legal representative sends the certificate, whether or not they say
    whom they represent."""
    settings = shop_policy().requests
    other = pp.Document(pp.DocumentKind.OTHER, issued=TODAY - timedelta(days=20))
    docs = [passport(), other, license_("agent")]
    stated = pp.Applicant.legal_representative(of="adult_ward")
    v = verify_documents(stated, docs, settings, TODAY)
    assert not v.ok and v.ground is pp.RefusalGround.DOCUMENTS_INCOMPLETE
    assert verify_documents(stated, GUARDIAN_DOCS, settings, TODAY).ok
    unstated = pp.Applicant.legal_representative()
    assert not verify_documents(unstated, docs, settings, TODAY).ok


@pytest.mark.parametrize(
    ("lang", "remark"),
    [("ja", "戸籍謄本では確認できません"), ("en", "a family register does not show")],
)
def test_r_req_3_the_letter_explains_the_family_register_only_to_who_sent_one(
    lang: str, remark: str
) -> None:
    """ "A family register does not show an adult's guardian" answers a family register
    sent in the certificate's place; to someone who sent none it is beside the point."""
    engine = pp.Engine(pp.example_policy("indigo_blue"), clock=pp.FixedClock(T0))
    s = engine.register_subject("u1", category="customer")
    said = {}
    for docs in (REGISTER_DOCS, [passport(), license_("agent")]):
        r = engine.requests.submit(
            K.DISCLOSURE,
            subject=s,
            applicant=pp.Applicant.legal_representative(of="adult_ward"),
            documents=docs,
            language=lang,
        )
        r = engine.requests.verify(r.id)
        assert r.state is pp.RequestState.REFUSED and r.statement is not None
        said[len(docs)] = remark in r.statement
    assert said == {len(REGISTER_DOCS): True, 2: False}
