"""A question asked again is not validated again, and never answered differently.

The engine keeps each validated question (purpose or recipient, items) so the hot path
of a check does no name validation it has done before; these tests hold that table to
giving exactly what validating anew would.
"""

from __future__ import annotations

from types import MappingProxyType

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
    # More names than a question may hold, however few distinct: refused as when cold.
    for too_many in (["email"] * 1001, ("email",) * 1001):
        with pytest.raises(pp.InvalidInput, match="too many names"):
            engine.check_use(pp.Ref("user-1"), purpose="service", items=too_many)
        with pytest.raises(pp.InvalidInput, match="too many names"):
            engine.check_provision(pp.Ref("user-1"), recipient="partner", items=too_many)


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


def test_r_use_1_people_denied_alike_share_one_decision_equal_to_one_built_anew(
    engine: pp.Engine,
) -> None:
    other = engine.register_subject("user-2", category="customer")
    engine.acquire(other, items={"email"}, purposes={"service"}, channel="web")
    first = engine.check_use(pp.Ref("user-1"), purpose="newsletter", items={"email"})
    second = engine.check_use(other, purpose="newsletter", items={"email"})
    assert not first.allowed
    assert second is first  # immutable, so one object serves both
    rebuilt = pp.Decision(
        False,
        None,
        first.reasons,
        first.citations,
        "use",
        "newsletter",
        None,
        frozenset({"email"}),
    )
    assert second == rebuilt and second.why == first.why and second.why
    # Another question, or another answer, is never given the shared object.
    assert engine.check_use(other, purpose="newsletter", items={"name"}) != first


def test_r_con_2_a_decision_resting_on_a_consent_names_that_persons_consent(
    engine: pp.Engine,
) -> None:
    other = engine.register_subject("user-2", category="customer")
    engine.acquire(other, items={"email"}, purposes={"service"}, channel="web")
    mine = engine.grant_consent(pp.Ref("user-1"), purpose="newsletter")
    theirs = engine.grant_consent(other, purpose="newsletter")
    a = engine.check_use(pp.Ref("user-1"), purpose="newsletter", items={"email"})
    b = engine.check_use(other, purpose="newsletter", items={"email"})
    assert a.allowed and b.allowed
    assert (a.consent_id, b.consent_id) == (mine.id, theirs.id)
    engine.withdraw_consent(other, purpose="newsletter")
    assert not engine.check_use(other, purpose="newsletter", items={"email"}).allowed
    assert engine.check_use(pp.Ref("user-1"), purpose="newsletter", items={"email"}) == a


def test_a_decision_built_by_hand_from_unhashable_context_is_built_not_shared() -> None:
    reason = ("no", pp.Reason("x"))
    made = pp.Decision.deny((reason,), ("APPI Art. 17(1)",), purpose="p", items=["a"])
    again = pp.Decision.deny((reason,), ("APPI Art. 17(1)",), purpose="p", items=["a"])
    assert made == again and made is not again and made.reasons == ("no",)


@pytest.mark.parametrize("bad", ["", "a\x00b", "x" * 201, "\ud800", 7, None, b"id"], ids=repr)
def test_the_fast_path_for_names_refuses_what_the_slow_path_refuses(bad: object) -> None:
    from pipolicy.domain.checks import MAX_NAME, name

    assert MAX_NAME == 200
    with pytest.raises(pp.InvalidInput):
        name(bad, "subject")


def test_names_that_take_the_fast_path_come_back_unchanged() -> None:
    from pipolicy.domain.checks import name

    class Named(str):
        pass

    for good in ("user-1", "x" * 200, "ユーザー", Named("sub")):
        assert name(good, "subject") == good


def test_r_sec_3_a_reason_keeps_its_own_copy_of_the_parameters_it_was_given() -> None:
    """Decisions share reasons (and decisions); a read-only view of a dict its maker
    keeps would let the maker change every decision holding it."""
    backing: dict[str, tuple[str, ...]] = {"items": ("email",)}
    reason = pp.Reason("items_not_acquired", MappingProxyType(backing))
    backing["items"] = ("address", "name")
    assert dict(reason.params) == {"items": ("email",)}
    with pytest.raises(TypeError):
        reason.params["items"] = ("name",)  # type: ignore[index]
