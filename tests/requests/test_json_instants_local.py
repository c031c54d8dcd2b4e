"""R-REQ-5: every instant in the electronic (JSON) answer is in the policy's time zone.

The letter dates everything in the policy's time zone; the JSON the person receives must
say the same day. The clock here runs in UTC at 15:30 on 22 November, which is already
23 November in Tokyo.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pipolicy as pp
from pipolicy.requests import MemorySource
from pipolicy.storage.repositories import Store

from .support import VALUES, customer, shop_policy, verified

K = pp.RequestKind
UTC_EVENING = datetime(2026, 11, 22, 15, 30, tzinfo=timezone.utc)
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def instants(value: object, path: str = "") -> list[tuple[str, str]]:
    """Every ISO instant in a JSON document, with where it is."""
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in instants(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [x for i, v in enumerate(value) for x in instants(v, f"{path}[{i}]")]
    if isinstance(value, str) and INSTANT.match(value):
        return [(path, value)]
    return []


def _answers(engine: pp.Engine) -> dict[str, pp.Answer]:
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = engine.register_subject("c-1", category="customer")
    evidence = pp.Evidence("web-form", "v1")
    engine.grant_consent(s, purpose="service", evidence=evidence)
    engine.grant_consent(s, recipient="partner", items={"email"}, evidence=evidence)
    engine.acquire(s, items={"name", "email"}, purposes="service", channel="web", source="F")
    engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    crm.put("c-1", {"name": "山田花子", "email": "hanako@example.jp"})
    out = {
        kind.value: engine.requests.fulfil(verified(engine, kind, s).id)
        for kind in (K.DISCLOSURE, K.PROVISION_RECORDS, K.PURPOSE_NOTIFICATION)
    }
    out["deletion"] = engine.requests.fulfil(verified(engine, K.DELETION, s).id)
    return out


def test_r_req_5_every_instant_in_the_json_answer_is_in_the_policy_s_time_zone(
    store: Store,
) -> None:
    engine = pp.Engine(
        pp.example_policy("indigo_blue"), store=store, clock=pp.FixedClock(UTC_EVENING)
    )
    answers = _answers(engine)

    found = {kind: instants(json.loads(a.to_json())) for kind, a in answers.items()}

    paths = {p.split("[")[0] for xs in found.values() for p, _ in xs}
    # The instants the answers carry: if one goes missing the test must say so.
    assert {
        ".answered_at",
        ".report.generated_at",
        ".report.items",
        ".report.consents",
        ".report.provision_records",
        ".sources.crm.at",
    } <= paths
    for kind, xs in found.items():
        for path, value in xs:
            at = datetime.fromisoformat(value)
            assert at.utcoffset() == timedelta(hours=9), (kind, path, value)
            assert value.startswith("2026-11-23T00:30"), (kind, path, value)


def test_r_req_5_the_day_in_the_json_is_the_day_in_the_letter(store: Store) -> None:
    engine = pp.Engine(
        pp.example_policy("indigo_blue"), store=store, clock=pp.FixedClock(UTC_EVENING)
    )
    answer = _answers(engine)["disclosure"]
    assert answer.report is not None
    [acquired] = {a["acquired_at"][:10] for i in answer.report["items"] for a in i["acquisitions"]}
    assert acquired == "2026-11-23"
    assert "2026年11月23日" in answer.to_markdown() and "2026年11月22日" not in answer.to_markdown()


def test_r_req_5_a_receipt_record_is_dated_in_the_policy_s_time_zone(store: Store) -> None:
    engine = pp.Engine(shop_policy(), store=store, clock=pp.FixedClock(UTC_EVENING))
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = customer(engine, crm)
    engine.acquire(
        s,
        items={"name"},
        purposes={"service"},
        channel="provided_by_business",
        source="List Broker K.K.",
        provider_address="2-2 Otemachi, Tokyo",
        provider_representative="Taro Broker",
        provider_obtained_by="from its members",
    )
    answer = engine.requests.fulfil(verified(engine, K.PROVISION_RECORDS, s).id)
    [received] = json.loads(answer.to_json())["report"]["receipt_records"]
    assert received["received_at"] == "2026-11-23T00:30:00+09:00"
    assert str(VALUES["name"]) not in answer.to_json()
