"""Session 19, three small wrong answers (R-REQ-7, R-TPP-4, R-USE-10, R-REQ-8).

* A stop of provision to third parties (Art. 35(3)) does not stop provision to a business
  successor at home: a successor in a merger or business transfer is no third party
  (Art. 27(5)(ii)), as a joint user is not (tests/test_restrictions_s19.py).
* A retention of nothing counted from the person leaving (or from the purpose's end) is
  published as deletion then, not as "0 days" (Art. 32(1), R-USE-10).
* A request received at 00:00 in the policy's time zone counts that day, as the Civil
  Code's proviso to Art. 140 does and :meth:`Policy.period_end` applies (R-REQ-8).
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

import attrs
import pytest

import pipolicy as pp
from pipolicy.domain.durations import Duration
from pipolicy.requests import MemorySource
from tests.factories import JST, make_policy
from tests.requests.support import T0, customer, shop_policy, verified

K = pp.RequestKind

# -- 1. a stop of provision and a business successor (R-REQ-7, R-TPP-4) ----------------


def _with_successor(country: str = "") -> pp.Policy:
    """The shop, whose newsletter business New Shop K.K. takes over by a business transfer."""
    base = shop_policy()
    buyer = pp.Recipient(
        "buyer", title="New Shop K.K.", kind=pp.RecipientKind.SUCCESSOR, country=country
    )
    return attrs.evolve(base, recipients={**base.recipients, "buyer": buyer})


def _shop(policy: pp.Policy) -> tuple[pp.Engine, pp.Subject]:
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    crm = MemorySource()
    engine.register_source("crm", crm)
    return engine, customer(engine, crm)


def _to_buyer(engine: pp.Engine, s: pp.Subject) -> pp.Decision:
    return engine.check_provision(s, recipient="buyer", items={"email"}, purpose="service")


def test_r_req_7_r_tpp_4_a_stop_of_provision_to_third_parties_leaves_a_successor() -> None:
    """R-REQ-7 (Art. 35(3), (5)) and R-TPP-4 (Art. 27(5)(ii)): the person asks to stop
    provision of their data to third parties. A successor taking the business over in a
    merger or business transfer is "not a third party" (Art. 27(5)), and succession is no
    violation of Art. 27(1) that Art. 35(3) stops: the stop does not reach it. Before, it
    denied the succession as well."""
    engine, s = _shop(_with_successor())
    assert _to_buyer(engine, s).basis is pp.Basis.BUSINESS_SUCCESSION
    engine.grant_consent(s, recipient="partner", items={"email"})
    r = verified(engine, K.SUSPENSION_OF_PROVISION, s)
    engine.requests.fulfil(r.id)

    d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    assert not d.allowed and r.id in d.reasons[0]  # the third party: stopped
    d = _to_buyer(engine, s)
    assert d.allowed and d.basis is pp.Basis.BUSINESS_SUCCESSION


def test_r_req_7_r_tpp_4_a_stop_naming_the_successor_stops_it() -> None:
    """R-REQ-7 (Art. 35(3)): a stop the business granted naming the successor, whose
    answer says it stopped providing to New Shop K.K., is kept: the answer would read
    false otherwise."""
    engine, s = _shop(_with_successor())
    r = verified(engine, K.SUSPENSION_OF_PROVISION, s, details={"recipients": ["buyer"]})
    answer = engine.requests.fulfil(r.id)
    assert "providing to New Shop K.K." in answer.statement

    d = _to_buyer(engine, s)
    assert not d.allowed and r.id in d.reasons[0]


def test_r_req_7_r_tpp_4_a_suspension_of_use_still_stops_a_successor() -> None:
    """R-REQ-7 (Art. 35(1)): the person asked to stop the use of their data; handing it
    to a successor is a use of it, and is stopped."""
    engine, s = _shop(_with_successor())
    r = verified(engine, K.SUSPENSION_OF_USE, s)
    engine.requests.fulfil(r.id)

    d = _to_buyer(engine, s)
    assert not d.allowed and r.id in d.reasons[0]


def test_r_req_7_r_xb_1_a_stop_of_provision_reaches_a_successor_abroad() -> None:
    """R-XB-1 (Art. 28): a successor in a foreign country is a third party for Art. 28,
    which Art. 35(3) names: the stop reaches it, as it reaches a joint user abroad."""
    engine, s = _shop(_with_successor(country="US"))
    engine.grant_consent(
        s,
        recipient="buyer",
        items={"email"},
        evidence=pp.Evidence(
            "web-form",
            "v1",
            foreign_info="shown the US system and the buyer's measures",
            foreign_country="US",
        ),
    )
    assert _to_buyer(engine, s).allowed
    r = verified(engine, K.SUSPENSION_OF_PROVISION, s)
    engine.requests.fulfil(r.id)

    d = _to_buyer(engine, s)
    assert not d.allowed and r.id in d.reasons[0]


# -- 2. a retention of nothing, in the notice (R-USE-10) -------------------------------


def _carbgem(start: str) -> pp.Policy:
    """Seed 004, its newsletter kept for nothing counted from ``start`` (the purpose's own
    period, which replaces the service's; a purpose that ends has its last day)."""
    text = pp.example_policy_path("carbgem").read_text(encoding="utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    data["purposes"]["newsletter"].update(retention="0 days", retention_from=start)
    if start == "purpose_ended":
        data["purposes"]["newsletter"]["ends"] = date(2027, 3, 31)
    return pp.policy_from_dict(data)


def _newsletter_row(policy: pp.Policy, lang: str) -> str:
    title = {"ja": "ニュースレターサービス", "en": "Newsletter service"}[lang]
    [row] = [
        line
        for line in pp.render_notice(policy, lang).splitlines()
        if line.startswith(f"| {title} |")
    ]
    return row.rstrip(" |").rsplit("|", 1)[-1].strip()


@pytest.mark.parametrize(
    ("start", "lang", "said"),
    [
        ("left", "ja", "サービスのご利用を終了された時点で削除します"),
        ("left", "en", "deleted when you stop using the service"),
        ("purpose_ended", "ja", "利用目的が終了した時点で削除します"),
        ("purpose_ended", "en", "deleted when the purpose ends"),
    ],
)
def test_r_use_10_a_retention_of_nothing_is_published_as_deletion_then(
    start: str, lang: str, said: str
) -> None:
    """R-USE-10 (Art. 32(1), seed 004 L25): "0 days" from the person leaving means the
    data is deleted when they stop using the service (:meth:`Policy.period_end` of
    nothing ends at its start); from the purpose's end, when it ends. The notice says so,
    not 「…から0日間」 / "0 days after…", which reads as a period that is none."""
    row = _newsletter_row(_carbgem(start), lang)
    assert row == said
    assert "0日間" not in row and "0 days" not in row


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "ja",
            "サービスのご利用を終了された時又は取得した日から1年間を経過した時のいずれか遅い時まで",
        ),
        ("en", "until you stop using the service or 1 year from collection, whichever ends later"),
    ],
)
def test_r_use_10_a_retention_of_nothing_among_others_reads_as_a_time(lang: str, said: str) -> None:
    """R-USE-10 (Policy.retention_due): data of a purpose two services group is kept
    until both periods have run; one of them nothing from the person leaving, the other a
    year from collection, it is kept until the later of the two, said as such."""
    text = pp.example_policy_path("carbgem").read_text(encoding="utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    del data["purposes"]["newsletter"]["retention"]
    data["services"]["newsletter"].update(retention="0 days", retention_from="left")
    data["services"]["analysis"]["purposes"].append("newsletter")
    data["services"]["analysis"].update(retention="1 year", retention_from="collection")
    row = _newsletter_row(pp.policy_from_dict(data), lang)
    assert row == said


# -- 3. a request received at midnight (R-REQ-8) ----------------------------------------


def _last_day(policy: pp.Policy, due: datetime) -> date:
    return policy.local_date(due - timedelta(microseconds=1))


def test_r_req_8_a_request_received_at_midnight_counts_that_day() -> None:
    """R-REQ-8 (Art. 33; Civil Code Art. 140 proviso): a period that starts at 00:00
    counts its first day. A request received at 00:00 on 22 November in Tokyo has 14 days
    through 5 December, as :meth:`Policy.period_end` counts them; one received a minute
    later, through 6 December. Before, the midnight one ran to 6 December as well."""
    policy = make_policy(requests=pp.RequestSettings(response="14 days"))
    midnight = datetime(2026, 11, 22, 0, 0, tzinfo=JST)
    fourteen = Duration.parse("14 days")

    assert policy.response_due(midnight) == policy.period_end(midnight, fourteen)
    assert _last_day(policy, policy.response_due(midnight)) == date(2026, 12, 5)
    later = midnight + timedelta(minutes=1)
    assert _last_day(policy, policy.response_due(later)) == date(2026, 12, 6)
    # Midnight in UTC is 09:00 in Tokyo: the policy's zone decides, not the instant's.
    utc_midnight = datetime(2026, 11, 22, 0, 0, tzinfo=timezone.utc)
    assert _last_day(policy, policy.response_due(utc_midnight)) == date(2026, 12, 6)


def test_r_req_8_a_request_in_months_is_counted_as_the_civil_code_counts_them() -> None:
    """R-REQ-8 (Civil Code Arts. 140, 143): a month from a request received at 10:00 on
    30 April counts from 1 May and ends on 31 May, as :meth:`Policy.period_end` says."""
    policy = make_policy(requests=pp.RequestSettings(response="1 months"))
    received = datetime(2027, 4, 30, 10, 0, tzinfo=JST)
    month = Duration.parse("1 months")
    assert policy.response_due(received) == policy.period_end(received, month)
    assert _last_day(policy, policy.response_due(received)) == date(2027, 5, 31)


def test_r_req_8_a_business_day_period_received_at_midnight_of_a_business_day_counts_it() -> None:
    """R-REQ-8 (Civil Code Art. 140 proviso, read for business days as for days): a
    request received at 00:00 on a business day has that whole day to be answered in, so
    it is the first of the period's business days; received at 00:00 on a Saturday, the
    count starts on Monday as it does for one received at any hour of the weekend."""
    policy = make_policy(requests=pp.RequestSettings(response="5 business days"))
    monday = datetime(2026, 11, 30, 0, 0, tzinfo=JST)
    assert _last_day(policy, policy.response_due(monday)) == date(2026, 12, 4)  # Mon-Fri
    later = monday + timedelta(hours=10)
    assert _last_day(policy, policy.response_due(later)) == date(2026, 12, 7)  # Tue-Mon
    saturday = datetime(2026, 11, 28, 0, 0, tzinfo=JST)
    saturday_noon = saturday + timedelta(hours=12)
    assert policy.response_due(saturday) == policy.response_due(saturday_noon)
    assert _last_day(policy, policy.response_due(saturday)) == date(2026, 12, 4)


def test_r_req_8_a_request_submitted_at_midnight_is_due_a_day_earlier() -> None:
    """R-REQ-8 through the request workflow: ``submit`` at 00:00 sets ``due`` to the end
    of the 14th day counting the day of receipt (the reproduction's case)."""
    midnight = datetime(2026, 11, 22, 0, 0, tzinfo=JST)
    policy = shop_policy()
    engine = pp.Engine(policy, clock=pp.FixedClock(midnight))
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = customer(engine, crm)
    r = verified(engine, K.DISCLOSURE, s)
    assert r.due == policy.period_end(midnight, policy.requests.response)
    assert _last_day(policy, r.due) == date(2026, 12, 5)
