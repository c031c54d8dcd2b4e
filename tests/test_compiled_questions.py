"""A question asked again is not validated again, and never answered differently.

The engine keeps each validated question (purpose or recipient, items) so the hot path
of a check does no name validation it has done before; these tests hold that table to
giving exactly what validating anew would.
"""

from __future__ import annotations

import pytest

import pipolicy as pp
from pipolicy.testing import CONTRACT_START, contract_policy


@pytest.fixture
def engine() -> pp.Engine:
    made = pp.Engine(contract_policy(), clock=pp.FixedClock(CONTRACT_START))
    s = made.register_subject("user-1", category="customer")
    made.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    return made


def test_r_use_1_a_question_asked_again_gets_the_same_answer_and_is_validated_once(
    engine: pp.Engine,
) -> None:
    first = engine.check_use(pp.Ref("user-1"), purpose="service", items={"email"})
    for items in (["email"], ("email",), frozenset({"email"}), {"email"}):
        again = engine.check_use(pp.Ref("user-1"), purpose="service", items=items)
        assert again == first and again.allowed
    assert len(engine._queries) == 1  # one compiled question for all four spellings


def test_r_use_1_bad_names_still_raise_after_the_good_question_was_compiled(
    engine: pp.Engine,
) -> None:
    first = engine.check_use(pp.Ref("user-1"), purpose="service", items={"email"})
    engine.check_provision(pp.Ref("user-1"), recipient="partner", items={"email"})
    # A str is one name (never the set of its letters, which a frozenset would make it).
    assert engine.check_use(pp.Ref("user-1"), purpose="service", items="email") == first
    with pytest.raises(pp.UnknownItem):
        engine.check_use(pp.Ref("user-1"), purpose="service", items={"email", "nope"})
    with pytest.raises(pp.UnknownPurpose):
        engine.check_use(pp.Ref("user-1"), purpose="nope", items={"email"})
    with pytest.raises(pp.InvalidInput):
        engine.check_use(pp.Ref("user-1"), purpose="service", items=[["email"]])  # type: ignore[list-item]
    with pytest.raises(pp.UnknownItem):
        engine.check_provision(pp.Ref("user-1"), recipient="partner", items={"nope"})


def test_r_use_1_questions_with_an_actor_or_exemption_are_never_shared(
    engine: pp.Engine,
) -> None:
    plain = engine.check_use(pp.Ref("user-1"), purpose="service", items={"email"})
    with pytest.raises(pp.InvalidInput):  # an exemption without its justification
        engine.check_use(pp.Ref("user-1"), purpose="service", items={"email"}, exemption="law")
    exempt = engine.check_use(
        pp.Ref("user-1"),
        purpose="service",
        items={"email"},
        exemption="laws_and_regulations",
        justification="Tax office order 2026-17",
    )
    assert exempt.basis is not plain.basis
    assert len(engine._queries) == 1
