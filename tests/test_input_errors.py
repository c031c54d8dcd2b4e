"""Bad input gets a typed error that says what to do, never a bare built-in error,
and messages never repeat a value the caller passed (it may be personal data)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import attrs
import pytest

import pipolicy as pp
from tests.factories import JST, make_engine, make_policy


@pytest.fixture
def engine_and_subject() -> tuple[pp.Engine, pp.Subject]:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    return engine, s


BAD_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("check_use", {"purpose": {"service"}, "items": {"email"}}),
    ("check_use", {"purpose": ["service"], "items": {"email"}}),
    ("check_use", {"purpose": "service", "items": 5}),
    ("check_use", {"purpose": "service", "items": {"email"}, "actor": 5}),
    ("check_use", {"purpose": "service", "items": {"email"}, "actor": {"x"}}),
    ("check_use", {"purpose": None, "items": {"email"}}),
    ("check_provision", {"recipient": {"partner"}, "items": {"email"}}),
    (
        "check_provision",
        {
            "recipient": "court",
            "items": {"name"},
            "exemption": "laws_and_regulations",
            "justification": 5,
        },
    ),
    ("grant_consent", {"purpose": "newsletter", "evidence": "web"}),
    ("grant_consent", {"recipient": ["partner"], "items": {"email"}}),
    ("withdraw_consent", {"consent_id": 7}),
    ("revoke_consent", {"consent_id": "x", "reason": ""}),
]


@pytest.mark.parametrize(
    ("method", "kwargs"), BAD_CALLS, ids=[f"{m}-{i}" for i, (m, _) in enumerate(BAD_CALLS)]
)
def test_bad_arguments_raise_invalid_input(
    engine_and_subject: tuple[pp.Engine, pp.Subject], method: str, kwargs: dict[str, Any]
) -> None:
    engine, s = engine_and_subject
    with pytest.raises(pp.InvalidInput):
        getattr(engine, method)(s, **kwargs)


def test_bad_category_and_engine_arguments() -> None:
    engine, _ = make_engine()
    with pytest.raises(pp.InvalidInput):
        engine.register_subject("x", category=["customer"])  # type: ignore[arg-type]
    with pytest.raises(pp.InvalidInput, match="store"):
        pp.Engine(make_policy(), store=5)  # type: ignore[arg-type]
    with pytest.raises(pp.InvalidInput, match="clock"):
        pp.Engine(make_policy(), clock=lambda: datetime.now(JST))  # type: ignore[arg-type]


def test_value_types_are_checked_where_they_are_built() -> None:
    with pytest.raises(pp.InvalidInput, match="given_by"):
        pp.Evidence("web", given_by="the neighbour")
    with pytest.raises(pp.InvalidInput):
        pp.Evidence(5)  # type: ignore[arg-type]
    with pytest.raises(pp.InvalidInput, match="document kind"):
        pp.Document("selfie")
    assert pp.Document("passport").kind is pp.DocumentKind.PASSPORT
    with pytest.raises(pp.InvalidInput, match=r"datetime\.date"):
        pp.Document(pp.DocumentKind.PASSPORT, issued=datetime(2026, 1, 1, tzinfo=JST))
    with pytest.raises(pp.InvalidInput, match=r"datetime\.date"):
        pp.Document(pp.DocumentKind.PASSPORT, expires="2030-01-01")  # type: ignore[arg-type]
    with pytest.raises(pp.InvalidInput):
        pp.Actor("")
    assert pp.Actor("a", ["r"]).roles == {"r"}


def test_not_found_errors_do_not_repeat_what_the_caller_passed() -> None:
    engine, _ = make_engine()
    with pytest.raises(pp.SubjectNotFound) as info:
        engine.check_use("taro.yamada@example.com", purpose="service", items={"email"})
    assert "taro" not in str(info.value)
    assert info.value.subject_id == "taro.yamada@example.com"
    with pytest.raises(pp.RequestNotFound) as req:
        engine.requests.get("hanako@example.jp")
    assert "hanako" not in str(req.value)


def test_policies_built_in_code_with_wrong_types_get_located_problems() -> None:
    with pytest.raises(pp.PolicyError) as info:
        make_policy(items=[pp.DataItem("name")], revised="2026-01-01")
    assert {p.location for p in info.value.problems} >= {"items", "policy.revised"}
    settings = pp.RequestSettings(fees={"correction": 5})  # type: ignore[dict-item]
    with pytest.raises(pp.PolicyError) as fees:
        make_policy(requests=settings)
    assert [p.location for p in fees.value.problems] == ["requests.fees.correction"]
    with pytest.raises(pp.PolicyError):
        pp.policy_from_dict(None)  # type: ignore[arg-type]


def test_r_req_9_provision_records_may_carry_the_disclosure_fee() -> None:
    settings = pp.RequestSettings(fees={pp.RequestKind.PROVISION_RECORDS: 500})
    assert make_policy(requests=settings).requests.fees[pp.RequestKind.PROVISION_RECORDS] == 500


def test_r_con_1_revocation_and_withdrawal_evidence_are_recorded() -> None:
    engine, clock = make_engine()
    s = engine.register_subject("c1", category="customer")
    c = engine.grant_consent(s, purpose="newsletter")
    other = engine.grant_consent(s, recipient="partner", items={"email"})
    clock.advance(timedelta(minutes=1))
    revoked = engine.revoke_consent(s, consent_id=c.id, reason="notice not shown at signup")
    assert revoked.status is pp.ConsentStatus.REVOKED
    with pytest.raises(pp.InvalidTransition):
        engine.revoke_consent(s, consent_id=c.id, reason="again")
    engine.withdraw_consent(
        s, consent_id=other.id, evidence=pp.Evidence("letter", "L-12", given_by="agent")
    )
    events = {e.kind: e.payload for e in engine.audit_events()}
    assert events["consent.revoked"]["reason"] == "notice not shown at signup"
    assert events["consent.withdrawn"]["ended_by"] == "agent"


def test_r_acc_1_retention_report_leaves_out_what_was_deleted() -> None:
    engine, clock = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    clock.advance(timedelta(days=1))
    with engine.store.unit_of_work() as uow:
        uow.restrictions.add(pp.Restriction("r1", s.id, pp.RestrictionKind.DELETED, clock.now()))
        uow.commit()
    clock.advance(timedelta(days=40))
    assert engine.retention_report() == []


def test_contract_dates_and_policy_dates_are_dates() -> None:
    policy = make_policy()
    assert isinstance(policy.revised, date)
    assert attrs.evolve(policy, version="v2").version == "v2"


@pytest.mark.parametrize(
    "documents",
    [None, pp.Document(pp.DocumentKind.PASSPORT), [{"kind": "passport"}]],
    ids=["none", "single", "dict"],
)
def test_r_req_3_documents_must_be_a_list_of_documents(documents: Any) -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    with pytest.raises(pp.InvalidInput, match="documents"):
        engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=documents)


def test_names_must_not_be_a_mapping() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    with pytest.raises(pp.InvalidInput):
        engine.check_use(s, purpose="service", items={"email": True})


def test_r_acc_1_a_deletion_at_the_instant_of_acquisition_removes_the_item_too() -> None:
    engine, clock = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    with engine.store.unit_of_work() as uow:  # deleted at the very same instant
        uow.restrictions.add(pp.Restriction("r1", s.id, pp.RestrictionKind.DELETED, clock.now()))
        uow.commit()
    clock.advance(timedelta(days=40))
    assert not engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    assert engine.retention_report() == []


def test_r_pri_1_an_items_flags_must_be_true_or_false_not_truthy_text() -> None:
    base = make_policy()
    for flag in ("special_care", "identifies", "my_number", "financial"):
        item = pp.DataItem("cookie_id", **{flag: "false"})  # type: ignore[arg-type]
        with pytest.raises(pp.PolicyError) as info:
            make_policy(items={**base.items, "cookie_id": item})
        assert [p.location for p in info.value.problems] == [f"items.cookie_id.{flag}"]


def test_a_store_class_in_place_of_a_store_is_refused_at_once() -> None:
    """Passed the class, the engine would fail at its first call with a storage error
    that hides the cause; it says what to do when it is made."""
    from pipolicy.backends.memory import MemoryStore

    with pytest.raises(pp.InvalidInput, match="class MemoryStore, not a store"):
        pp.Engine(make_policy(), store=MemoryStore)  # type: ignore[arg-type]
    with pytest.raises(pp.InvalidInput, match="must be a pipolicy Store"):
        pp.Engine(make_policy(), store=object())  # type: ignore[arg-type]
