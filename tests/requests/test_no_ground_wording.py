"""R-REQ-4, R-REQ-7: a refusal for want of a ground of Art. 35 says what the records show.

"We handle and provide your personal data lawfully" is a statement of fact to the person:
it mentions provision to others only where pipolicy's records show a provision of the
person's data, or where the request is about provision (a suspension of provision).
"""

from __future__ import annotations

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import passport, verified

K = pp.RequestKind
WHY = "we still need your data to deliver your open order"


def reason(answer: pp.Answer) -> str:
    """The paragraph of the statement that gives the ground."""
    return answer.statement.split("\n\n")[1]


def test_r_req_7_no_ground_does_not_claim_a_provision_the_records_do_not_show(
    engine: pp.Engine, person: pp.Subject
) -> None:
    assert engine.provisions(person) == ()
    r = verified(engine, K.SUSPENSION_OF_USE, person)

    answer = engine.requests.refuse(r.id, ground="no_ground", explanation=WHY)

    assert "none of the grounds" in reason(answer)
    assert "provid" not in reason(answer)


@pytest.mark.parametrize("kind", [K.DELETION, K.SUSPENSION_OF_USE])
def test_r_req_7_no_ground_mentions_the_provisions_the_records_show(
    engine: pp.Engine, person: pp.Subject, kind: pp.RequestKind
) -> None:
    engine.grant_consent(person, recipient="partner", items={"email"})
    engine.provide(person, recipient="partner", items={"email"}, purpose="service")
    r = verified(engine, kind, person)

    answer = engine.requests.refuse(r.id, ground="no_ground", explanation=WHY)

    assert "provided" in reason(answer)


def test_r_req_7_no_ground_against_a_suspension_of_provision_speaks_of_provision(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.SUSPENSION_OF_PROVISION, person)

    answer = engine.requests.refuse(r.id, ground="no_ground", explanation=WHY)

    assert "provided" in reason(answer) and "APPI Art. 35(3)" in reason(answer)


def test_r_req_7_no_ground_in_japanese_mentions_provision_only_where_there_was_one() -> None:
    engine = pp.Engine(pp.example_policy("indigo_blue"))
    engine.register_source("crm", MemorySource())
    quiet, sharing = (engine.register_subject(ref, category="customer") for ref in "ab")
    evidence = pp.Evidence("web-form", "v1")
    for s in (quiet, sharing):
        engine.grant_consent(s, purpose="service", evidence=evidence)
        engine.acquire(s, items={"name", "email"}, purposes="service", channel="web")
    engine.grant_consent(sharing, recipient="partner", items={"email"}, evidence=evidence)
    engine.provide(sharing, recipient="partner", items={"email"}, purpose="service")

    def refused(s: pp.Subject, kind: pp.RequestKind) -> str:
        r = engine.requests.submit(kind, subject=s, documents=[passport()])
        engine.requests.verify(r.id)
        answer = engine.requests.refuse(r.id, ground="no_ground", explanation=WHY)
        assert answer.language == "ja"
        return reason(answer)

    assert "提供" not in refused(quiet, K.SUSPENSION_OF_USE)
    assert "第三者に提供" in refused(sharing, K.SUSPENSION_OF_USE)
    assert "第三者への提供" in refused(quiet, K.SUSPENSION_OF_PROVISION)
