"""R-REQ-7: data a law obliges the business to keep survives a deletion request, on the
provisos of APPI Art. 35, not on Art. 35(5).

Art. 35(5) gives the person a right; it is no ground to refuse. Where another law
obliges keeping the data, deleting it is "difficult" and the business takes an
alternative measure instead: the provisos of Art. 35(2) (requests under 35(1)) and 35(6)
(requests under 35(5)) for deletion and suspension of use, 35(4) and 35(6) for
suspension of provision. pipolicy's measure is suspending the use of what it keeps.
"""

from __future__ import annotations

import json

import attrs
import pytest

import pipolicy as pp
from pipolicy.domain.requests import ground_article
from pipolicy.requests import MemorySource
from pipolicy.requests.wording import wording

from .support import REF, T0, TAX_DUTY, VALUES, passport, verified

K = pp.RequestKind
G = pp.RefusalGround
DELETION_PROVISOS = "APPI Art. 35(2) proviso, (6) proviso"
PROVISION_PROVISOS = "APPI Art. 35(4) proviso, (6) proviso"
JA_DELETION_PROVISOS = "個人情報の保護に関する法律第35条第2項ただし書及び第6項ただし書"
KEPT_JA = "会社法により10年間保存します"


def test_r_req_7_legal_retention_and_alternative_measures_cite_the_provisos() -> None:
    assert ground_article(K.DELETION, G.LEGAL_RETENTION) == DELETION_PROVISOS
    assert ground_article(K.DELETION, G.ALTERNATIVE_MEASURE) == DELETION_PROVISOS
    assert ground_article(K.SUSPENSION_OF_USE, G.ALTERNATIVE_MEASURE) == DELETION_PROVISOS
    assert ground_article(K.SUSPENSION_OF_PROVISION, G.ALTERNATIVE_MEASURE) == (PROVISION_PROVISOS)


@pytest.mark.parametrize(
    ("article", "ja"),
    [
        (DELETION_PROVISOS, JA_DELETION_PROVISOS),
        (PROVISION_PROVISOS, "個人情報の保護に関する法律第35条第4項ただし書及び第6項ただし書"),
        ("APPI Art. 35(2) proviso", "個人情報の保護に関する法律第35条第2項ただし書"),
    ],
)
def test_r_req_7_a_proviso_is_cited_as_the_act_is(article: str, ja: str) -> None:
    assert wording("ja")("law", article=article) == ja


def test_r_req_7_a_refusal_on_legal_retention_cites_the_provisos_not_art_35_5(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.DELETION, person, details={"items": ["invoice"]})

    answer = engine.requests.refuse(r.id, ground=G.LEGAL_RETENTION, explanation=TAX_DUTY)

    assert DELETION_PROVISOS in answer.statement
    assert "35(5)" not in answer.statement


def test_r_req_7_a_deletion_kept_under_a_duty_cites_the_provisos_and_suspends_use(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.DELETION, person)

    answer = engine.requests.fulfil(r.id)

    [kept] = answer.retained
    assert (kept.item, kept.article) == ("invoice", DELETION_PROVISOS)
    paragraph = next(p for p in answer.statement.split("\n\n") if TAX_DUTY in p)
    assert DELETION_PROVISOS in paragraph and "35(5)" not in paragraph
    assert "suspended" in paragraph  # the alternative measure taken, as it was
    [retained] = json.loads(answer.to_json())["retained"]
    assert (retained["item"], retained["article"]) == ("invoice", DELETION_PROVISOS)
    # What the letter says is what happened: the invoice is kept, its use stopped.
    assert crm.get(REF)["invoice"] == VALUES["invoice"]
    assert not engine.check_use(person, purpose="service", items={"invoice"}).allowed
    # Rebuilt from what is stored, the answer cites the same.
    assert [k.article for k in engine.requests.answer(r.id).retained] == [DELETION_PROVISOS]


def _japanese_engine() -> tuple[pp.Engine, pp.Subject]:
    """indigo_blue (Japanese first), whose organization name a law obliges it to keep."""
    policy = pp.example_policy("indigo_blue")
    org = policy.items["organization"]
    org = attrs.evolve(
        org,
        legal_retention=KEPT_JA,
        translations={"en": {**org.translations["en"], "legal_retention": "Companies Act"}},
    )
    policy = attrs.evolve(policy, items={**policy.items, "organization": org})
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = engine.register_subject("c-1", category="customer")
    engine.grant_consent(s, purpose="service", evidence=pp.Evidence("web-form", "v1"))
    engine.acquire(
        s, items={"name", "organization"}, purposes="service", channel="web", source="F-01"
    )
    crm.put("c-1", {"name": "山田花子", "organization": "Example Org"})
    return engine, s


def _verified_ja(engine: pp.Engine, s: pp.Subject, **details: object) -> pp.Request:
    r = engine.requests.submit(K.DELETION, subject=s, documents=[passport()], details=details)
    return engine.requests.verify(r.id)


def test_r_req_7_japanese_texts_cite_the_provisos_with_tadashigaki() -> None:
    engine, s = _japanese_engine()

    refused = engine.requests.refuse(
        _verified_ja(engine, s, items=["organization"]).id,
        ground=G.LEGAL_RETENTION,
        explanation=KEPT_JA,
    )
    kept = engine.requests.fulfil(_verified_ja(engine, s).id)

    assert refused.language == "ja" and JA_DELETION_PROVISOS in refused.statement
    assert "第35条第5項" not in refused.statement
    paragraph = next(p for p in kept.statement.split("\n\n") if KEPT_JA in p)
    assert JA_DELETION_PROVISOS in paragraph
    assert "利用を停止" in paragraph
    assert JA_DELETION_PROVISOS in kept.to_markdown()
