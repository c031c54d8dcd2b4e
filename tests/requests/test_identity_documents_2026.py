"""R-REQ-3: identity documents as Japanese law stands in December 2026.

* The health insurance card (健康保険の被保険者証) was abolished by Act No. 48 of 2023: none
  has been issued since 2024-12-02, and one issued before stays valid only until the
  earlier of its own expiry and 2025-12-01 (the Act's transitional measure). A card checked
  later proves nothing, whatever dates it bears, and the applicant is told why.
* People now present the My Number card (個人番号カード: its front side, a photo ID with an
  expiry) and the eligibility certificate (資格確認書, which replaced the health insurance
  card; it bears an expiry). Both are kinds of :class:`~pipolicy.DocumentKind`, accepted
  by default, named to a person in both languages.
* The alien registration card (外国人登録証明書) was abolished in 2012: it is no kind at all,
  so it can be neither accepted nor presented. A residence card replaced it, or for a
  special permanent resident the special permanent resident certificate (特別永住者証明書),
  accepted by default too.
* ``accepted_ids`` lists identity documents only: a policy listing an agent's document or
  the service's login there is refused, with what to do instead.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest

import pipolicy as pp
from pipolicy.publishing.notice import render_notice
from pipolicy.requests import HEALTH_INSURANCE_CARDS_VALID_UNTIL, verify_documents
from pipolicy.requests.verification import EXPIRING_IDS, ID_DOCUMENTS
from pipolicy.requests.wording import wording
from tests.seeds._support import example_data

from .support import JST, TODAY

G = pp.RefusalGround
K = pp.DocumentKind
D = pp.Document
PERSON = pp.Applicant.person()
LEGAL = pp.Applicant.legal_representative()  # of a minor, as the officer confirms (minor=True)
ACCEPTING_IT = pp.RequestSettings(
    accepted_ids=pp.RequestSettings().accepted_ids | {K.HEALTH_INSURANCE_CARD}
)
"""A policy that still lists the health insurance card, as seed 001 does (L104)."""
CARD = D(K.HEALTH_INSURANCE_CARD, issued=date(2023, 4, 1))
"""An employees' plan card: issued before the abolition, no expiry printed."""
INTERNAL = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def check(
    *docs: pp.Document,
    on: date = TODAY,
    applicant: pp.Applicant = PERSON,
    settings: pp.RequestSettings = ACCEPTING_IT,
) -> pp.requests.Verification:
    return verify_documents(applicant, docs, settings, on, minor=True)


def _refused(policy: pp.Policy, docs: list[pp.Document], lang: str, at: datetime) -> pp.Request:
    engine = pp.Engine(policy, clock=pp.FixedClock(at))
    s = engine.register_subject("c-1", category=sorted(policy.categories)[0])
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE, subject=s, applicant=PERSON, documents=docs, language=lang
    )
    return engine.requests.verify(r.id)


def _policy(**requests: Any) -> pp.Policy:
    data = example_data("indigo_blue")
    data["requests"].update(requests)
    return pp.policy_from_dict(data)


# -- the health insurance card ------------------------------------------------------------


def test_r_req_3_health_insurance_cards_are_valid_until_1_december_2025() -> None:
    assert date(2025, 12, 1) == HEALTH_INSURANCE_CARDS_VALID_UNTIL


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            [
                "we could not confirm your identity",
                "the person's health insurance card",
                "health insurance cards were abolished by law (Act No. 48 of 2023) and ceased to "
                "be valid after 2025-12-01, whatever dates they bear",
            ],
        ),
        (
            "ja",
            [
                "ご本人であることを確認できなかったため",
                "ご本人の健康保険の被保険者証",
                "令和5年法律第48号",
                "2025年12月1日",
                "ご請求を受け付けた日（2026年12月1日）において有効な書類ではありませんでした",
            ],
        ),
    ],
)
@pytest.mark.parametrize("example", ["indigo_blue", "indigo"])
def test_r_req_3_a_health_insurance_card_checked_in_december_2026_is_refused_in_writing(
    example: str, lang: str, words: list[str]
) -> None:
    """The user's case: a card issued 2023-04-01 with no expiry, checked on 2026-12-01,
    under the default policy (indigo_blue) and under one that lists it (indigo, seed 001)."""
    r = _refused(pp.example_policy(example), [CARD], lang, datetime(2026, 12, 1, 10, tzinfo=JST))

    assert r.state is pp.RequestState.REFUSED
    assert r.ground is G.IDENTITY_UNCONFIRMED
    assert r.statement is not None
    for word in words:
        assert word in r.statement, (word, r.statement)


@pytest.mark.parametrize(
    ("issued", "expires"),
    [
        (date(2023, 4, 1), None),  # an employees' plan card: no expiry
        (date(2024, 8, 1), date(2026, 7, 31)),  # a national health insurance card: 2 years
        (None, date(2027, 3, 31)),
        (date(2024, 12, 1), date(2030, 1, 1)),  # the last day one could be issued
        (date(2025, 1, 10), None),  # dated after the abolition: no such card exists
    ],
)
def test_r_req_3_a_health_insurance_card_proves_nothing_after_1_december_2025(
    issued: date | None, expires: date | None
) -> None:
    result = check(D(K.HEALTH_INSURANCE_CARD, issued=issued, expires=expires), on=date(2025, 12, 2))

    assert result.ground is G.IDENTITY_UNCONFIRMED
    [problem] = result.problems
    assert problem.note == "id_abolished"
    assert dict(problem.facts) == {
        "whose": "person",
        "document": "health_insurance_card",
        "valid_until": "2025-12-01",
    }


def test_r_req_3_a_health_insurance_card_checked_by_1_december_2025_passes_as_before() -> None:
    assert check(CARD, on=date(2025, 12, 1)).ok
    assert check(D(K.HEALTH_INSURANCE_CARD, expires=date(2025, 12, 31)), on=date(2025, 12, 1)).ok
    # Its own expiry, when earlier, still ends it first.
    expired = check(D(K.HEALTH_INSURANCE_CARD, expires=date(2025, 7, 31)), on=date(2025, 8, 1))
    assert [p.note for p in expired.problems] == ["id_expired"]
    assert [p.note for p in check(D(K.HEALTH_INSURANCE_CARD), on=date(2025, 6, 1)).problems] == [
        "id_undated"
    ]


def test_r_req_3_the_agents_health_insurance_card_leaves_agency_unconfirmed() -> None:
    agents = D(K.HEALTH_INSURANCE_CARD, issued=date(2023, 4, 1), holder="agent")
    family_register = D(K.FAMILY_REGISTER, issued=date(2026, 11, 1))
    passport = D(K.PASSPORT, issued=date(2022, 4, 1), expires=date(2032, 4, 1))

    result = check(passport, family_register, agents, applicant=LEGAL)

    assert result.ground is G.AGENCY_UNCONFIRMED
    assert [(p.note, p.facts["whose"]) for p in result.problems] == [("id_abolished", "agent")]


def test_r_req_3_a_health_insurance_card_beside_a_valid_id_is_no_problem() -> None:
    passport = D(K.PASSPORT, issued=date(2022, 4, 1), expires=date(2032, 4, 1))
    assert check(CARD, passport).ok


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_r_req_3_the_abolished_card_problem_is_worded_without_internal_names(lang: str) -> None:
    [problem] = check(CARD).problems
    text = wording(lang)("problem", note=problem.note, facts=dict(problem.facts))
    assert INTERNAL.findall(text) == []
    assert text.strip() and "id_abolished" not in text


def test_r_req_3_a_refusal_never_offers_the_health_insurance_card_in_its_place() -> None:
    """A policy that still lists it (seed 001) names what it accepts when refusing another
    kind: after 2025-12-01, not the card the person could no longer use."""
    student = D(K.STUDENT_ID, issued=date(2024, 4, 1), expires=date(2027, 3, 31))
    [before] = check(student, on=date(2025, 12, 1)).problems
    [after] = check(student, on=date(2025, 12, 2)).problems
    assert before.note == after.note == "id_not_accepted"
    assert "health_insurance_card" in before.facts["accepted"]  # type: ignore[operator]
    assert "health_insurance_card" not in after.facts["accepted"]  # type: ignore[operator]
    assert "passport" in after.facts["accepted"]  # type: ignore[operator]


def test_r_req_3_the_default_policy_no_longer_lists_the_health_insurance_card() -> None:
    """The default feeds the published notice: a notice written now must not invite a
    card that cannot be valid on any day a request can still be checked."""
    assert K.HEALTH_INSURANCE_CARD not in pp.RequestSettings().accepted_ids
    for lang in ("en", "ja"):
        notice = render_notice(pp.example_policy("indigo_blue"), lang)
        assert "health insurance card" not in notice and "被保険者証" not in notice


# -- the My Number card and the eligibility certificate ----------------------------------

NEW_KINDS = [
    K.MY_NUMBER_CARD,
    K.ELIGIBILITY_CERTIFICATE,
    K.SPECIAL_PERMANENT_RESIDENT_CERTIFICATE,
]


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_r_req_3_the_new_ids_are_identity_documents_accepted_by_default(kind: K) -> None:
    assert kind in ID_DOCUMENTS
    assert kind in EXPIRING_IDS
    assert kind in pp.RequestSettings().accepted_ids
    assert (
        kind.value
        in pp.policy_schema()["properties"]["requests"]["properties"]["accepted_ids"]["default"]
    )


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_r_req_3_the_new_ids_are_judged_by_their_expiry(kind: K) -> None:
    settings = pp.RequestSettings()
    assert check(D(kind, issued=date(2025, 6, 1), expires=date(2030, 6, 1)), settings=settings).ok
    assert check(D(kind, expires=TODAY), settings=settings).ok
    undated = check(D(kind, issued=date(2025, 6, 1)), settings=settings)
    assert [p.note for p in undated.problems] == ["id_no_expiry"]
    expired = check(D(kind, issued=date(2020, 6, 1), expires=date(2025, 6, 1)), settings=settings)
    assert [p.note for p in expired.problems] == ["id_expired"]


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        (
            "en",
            {
                K.MY_NUMBER_CARD: "My Number card",
                K.ELIGIBILITY_CERTIFICATE: "eligibility",
                K.SPECIAL_PERMANENT_RESIDENT_CERTIFICATE: "special permanent resident certificate",
            },
        ),
        (
            "ja",
            {
                K.MY_NUMBER_CARD: "個人番号カード",
                K.ELIGIBILITY_CERTIFICATE: "資格確認書",
                K.SPECIAL_PERMANENT_RESIDENT_CERTIFICATE: "特別永住者証明書",
            },
        ),
    ],
)
def test_r_req_3_a_refusal_names_the_new_ids_as_a_person_does(
    lang: str, names: dict[K, str]
) -> None:
    for kind, name in names.items():
        expired = D(kind, issued=date(2020, 6, 1), expires=date(2025, 6, 1))
        r = _refused(
            pp.example_policy("indigo_blue"), [expired], lang, datetime(2026, 12, 1, tzinfo=JST)
        )
        assert r.statement is not None
        assert name in r.statement, (name, r.statement)
        assert kind.value not in r.statement


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_r_req_3_a_request_with_a_new_id_is_verified_and_kept(engine: pp.Engine, kind: K) -> None:
    """On every backend (memory, SQL): the kind and dates are stored, and read back."""
    doc = D(kind, issued=date(2025, 6, 1), expires=date(2030, 6, 1))
    s = engine.register_subject("c-1")
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=[doc])

    r = engine.requests.verify(r.id)

    assert r.state is pp.RequestState.VERIFIED
    assert engine.requests.get(r.id).documents == (doc,)
    assert pp.to_dict(r)["documents"][0]["kind"] == kind.value


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["My Number card", "eligibility certificate", "the front side only"]),
        ("ja", ["個人番号カード", "資格確認書", "表面のみの写し", "裏面の写しはお受けできません"]),
    ],
)
@pytest.mark.parametrize("format", ["markdown", "html"])
def test_r_pub_1_the_default_notice_names_the_new_ids_and_asks_for_no_number(
    lang: str, words: list[str], format: str
) -> None:
    """The notice asks for the front of a My Number card only: the back carries the
    Individual Number, which a business may not collect to confirm identity (My Number
    Act Art. 20)."""
    notice = render_notice(pp.example_policy("indigo_blue"), lang, format)
    for word in words:
        assert word in notice, word
    seed = render_notice(pp.example_policy("indigo"), lang, format)  # lists no My Number card
    assert words[-1] not in seed


def test_r_req_3_a_policy_file_may_list_the_new_ids() -> None:
    policy = _policy(accepted_ids=[k.value for k in NEW_KINDS])
    assert policy.requests.accepted_ids == set(NEW_KINDS)


@pytest.mark.parametrize(
    ("kind", "instead"),
    [
        (K.POWER_OF_ATTORNEY, "agent's documents"),
        (K.SEAL_CERTIFICATE, "agent's documents"),
        (K.FAMILY_REGISTER, "agent's documents"),
        (K.SERVICE_LOGIN, "accept_service_login = true"),
    ],
)
def test_r_req_3_accepted_ids_lists_identity_documents_only(kind: K, instead: str) -> None:
    """Such a kind was loaded and then ignored by every check: the policy's author
    thought it accepted, the applicant was refused."""
    with pytest.raises(pp.PolicyError, match=f"{kind.value} proves no identity") as raised:
        _policy(accepted_ids=["passport", kind.value])
    assert instead in str(raised.value)
    with pytest.raises(pp.InvalidInput, match="prove no identity"):
        pp.RequestSettings(accepted_ids=frozenset({K.PASSPORT, kind}))
    listed = pp.policy_schema()["properties"]["requests"]["properties"]["accepted_ids"]
    assert all(
        kind.value not in form.get("enum", form.get("items", {}).get("enum"))
        for form in listed["anyOf"]
    )


# -- the alien registration card ----------------------------------------------------------


def test_r_req_3_the_alien_registration_card_is_no_document_kind() -> None:
    """Abolished in 2012 (replaced by the residence card): it cannot be accepted."""
    assert "alien_registration_card" not in {k.value for k in K}
    with pytest.raises(pp.PolicyError):
        _policy(accepted_ids=["alien_registration_card"])
    with pytest.raises(pp.InvalidInput):
        D("alien_registration_card")


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "black out the basic pension number"), ("ja", "基礎年金番号を黒塗り")],
)
@pytest.mark.parametrize("format", ["markdown", "html"])
def test_r_pub_1_the_notice_asks_for_a_pension_book_without_its_number(
    lang: str, words: str, format: str
) -> None:
    """A pension book shows the basic pension number, which confirming identity does not
    need: the notice asks for it blacked out, as it asks for a My Number card's front."""
    listing = pp.example_policy("indigo_blue")
    assert K.PENSION_BOOK in listing.requests.accepted_ids
    assert words in render_notice(listing, lang, format)
    without = _policy(accepted_ids=["drivers_license", "passport"])
    assert words not in render_notice(without, lang, format)


def test_r_req_3_a_policy_revised_after_the_abolition_may_not_list_the_card() -> None:
    """Its notice would invite a document no one can use; seed 001 (revised 2020) may."""
    data = example_data("indigo_blue")
    data["requests"]["accepted_ids"] = ["passport", "health_insurance_card"]
    data["policy"]["revised"] = date(2025, 12, 2)
    with pytest.raises(pp.PolicyError, match="eligibility_certificate or my_number_card") as e:
        pp.policy_from_dict(data)
    assert "2025-12-02" in str(e.value)
    data["policy"]["revised"] = HEALTH_INSURANCE_CARDS_VALID_UNTIL
    assert K.HEALTH_INSURANCE_CARD in pp.policy_from_dict(data).requests.accepted_ids
    assert K.HEALTH_INSURANCE_CARD in pp.example_policy("indigo").requests.accepted_ids
