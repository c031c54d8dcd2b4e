"""Dates that follow the law: calendar durations, business days, the policy's time zone.

R-REQ-3 (certificate age in months), R-REQ-8 (deadlines, business days), R-ACC-1
(retention periods and what they count from), R-REC-1 (record keeping in years).
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import pipolicy as pp
from pipolicy.domain.durations import Duration, Unit
from tests.factories import CONTROLLER_DATA, JST, make_policy


def policy_data(**requests: Any) -> dict[str, Any]:
    return {
        "policy": {"version": "v1", "revised": "2026-01-01"},
        "controller": CONTROLLER_DATA,
        "items": {"email": {}},
        "purposes": {"service": {"items": ["email"]}},
        "requests": requests,
    }


def test_r_req_8_the_policy_time_zone_defaults_to_tokyo_and_is_validated() -> None:
    assert make_policy().timezone == "Asia/Tokyo"
    data = policy_data()
    data["policy"]["timezone"] = "Mars/Olympus_Mons"
    with pytest.raises(pp.PolicyError) as info:
        pp.policy_from_dict(data)
    assert [p.location for p in info.value.problems] == ["policy.timezone"]
    data["policy"]["timezone"] = "America/New_York"
    assert pp.policy_from_dict(data).local_date(
        datetime(2026, 12, 2, 3, 0, tzinfo=timezone.utc)
    ) == date(2026, 12, 1)


def test_r_req_8_a_deadline_in_japanese_business_days_skips_weekends_and_holidays() -> None:
    policy = pp.policy_from_dict(policy_data(response="10 business days"))
    assert policy.requests.response == Duration(10, Unit.BUSINESS_DAYS)
    engine = pp.Engine(policy, clock=pp.FixedClock(datetime(2026, 12, 28, 9, 0, tzinfo=JST)))
    s = engine.register_subject("c1")
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s)
    # 29, 30, 31 Dec; 4-8 Jan (1 Jan is New Year's Day); 12, 13 Jan (11 Jan is Coming of
    # Age Day): due at the end of 13 January 2027 in Tokyo.
    assert r.due == datetime(2027, 1, 14, 0, 0, tzinfo=JST)


def test_r_req_8_business_days_without_the_jp_extra_is_a_clear_policy_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "jpholiday", None)
    with pytest.raises(pp.PolicyError) as info:
        pp.policy_from_dict(policy_data(response="10 business days"))
    [problem] = info.value.problems
    assert problem.location == "requests.response"
    assert "pipolicy[jp]" in problem.message


def test_r_req_3_durations_take_calendar_units_and_the_older_day_counts() -> None:
    months = pp.policy_from_dict(policy_data(certificate_max_age="P3M", response="P2W"))
    assert months.requests.certificate_max_age == Duration(3, Unit.MONTHS)
    days = pp.policy_from_dict(policy_data(certificate_max_age_days=90, response_days=7))
    assert days.requests.certificate_max_age == Duration(90, Unit.DAYS)
    assert days.requests.response == Duration(7, Unit.DAYS)
    with pytest.raises(pp.PolicyError) as info:
        pp.policy_from_dict(policy_data(response="soon", response_days=3))
    assert {p.location for p in info.value.problems} == {"requests.response_days"}
    with pytest.raises(pp.PolicyError) as info:
        pp.policy_from_dict(policy_data(response="soon"))
    assert {p.location for p in info.value.problems} == {"requests.response"}


def test_r_acc_1_retention_periods_count_calendar_months_from_what_they_say() -> None:
    data = policy_data()
    data["purposes"]["campaign"] = {
        "items": ["email"],
        "retention": "1 month",
        "retention_from": "purpose_ended",
        "ends": "2027-01-31",
    }
    data["purposes"]["service"]["retention"] = "2 years"
    data["purposes"]["service"]["retention_from"] = "collection"
    policy = pp.policy_from_dict(data)
    got = datetime(2026, 5, 1, 10, 0, tzinfo=JST)
    # The campaign's last day ends at midnight in Tokyo (1 February, 00:00); a calendar
    # month later is the end of 28 February.
    assert policy.retention_due({"campaign"}, got) == datetime(2027, 3, 1, 0, 0, tzinfo=JST)
    # Collected at 10:00 on 1 May: that day is not counted (Civil Code Art. 140), so two
    # years run from 2 May through 1 May 2028 and end at its midnight (Arts. 141, 143).
    assert policy.retention_due({"service"}, got) == datetime(2028, 5, 2, 0, 0, tzinfo=JST)
    assert policy.retention_due({"service", "campaign"}, got) == datetime(
        2028, 5, 2, 0, 0, tzinfo=JST
    )


def test_r_acc_1_a_period_from_the_purposes_end_needs_the_end() -> None:
    data = policy_data()
    data["purposes"]["service"].update(retention="1 year", retention_from="purpose_ended")
    with pytest.raises(pp.PolicyError) as info:
        pp.policy_from_dict(data)
    assert {p.location for p in info.value.problems} == {"purposes.service.ends"}


def test_r_acc_1_retention_is_counted_on_the_calendar_not_in_business_days() -> None:
    data = policy_data()
    data["purposes"]["service"]["retention"] = "10 business days"
    with pytest.raises(pp.PolicyError) as info:
        pp.policy_from_dict(data)
    assert {p.location for p in info.value.problems} == {"purposes.service.retention"}


def test_r_rec_1_record_retention_takes_years_and_rejects_a_bare_day_count() -> None:
    data = policy_data()
    data["provision"] = {"record_retention": "5 years"}
    assert pp.policy_from_dict(data).record_retention == Duration(5, Unit.YEARS)
    data["provision"] = {"record_retention_years": 3}
    assert pp.policy_from_dict(data).record_retention == Duration(3, Unit.YEARS)
    data["provision"] = {"record_retention": "6 months"}
    with pytest.raises(pp.PolicyError) as info:
        pp.policy_from_dict(data)
    assert {p.location for p in info.value.problems} == {"provision.record_retention"}


def test_r_con_2_fixed_clock_advances_real_elapsed_time_across_dst() -> None:
    from zoneinfo import ZoneInfo

    new_york = ZoneInfo("America/New_York")
    start = datetime(2026, 3, 8, 1, 30, tzinfo=new_york)  # the night clocks spring forward
    moved = pp.FixedClock(start).advance(timedelta(hours=1))
    assert (moved.hour, moved.minute) == (3, 30)  # 02:30 does not exist that night
    assert moved.astimezone(timezone.utc) - start.astimezone(timezone.utc) == timedelta(hours=1)


def test_r_req_9_art_38_2_a_fee_above_the_ceiling_is_rejected() -> None:
    """A ¥1,000,000 disclosure fee is not "reasonable considering actual costs"."""
    with pytest.raises(pp.PolicyError) as info:
        pp.policy_from_dict(policy_data(fees={"disclosure": 1_000_000}))
    [problem] = info.value.problems
    assert problem.location == "requests.fees.disclosure" and "Art. 38(2)" in problem.message
    assert pp.policy_from_dict(policy_data(fees={"disclosure": 1000})).requests.fees
    raised = pp.policy_from_dict(policy_data(fees={"disclosure": 5000}, fee_ceiling=6000))
    assert raised.requests.fees[pp.RequestKind.DISCLOSURE] == 5000


# -- periods end as the Civil Code counts them (Arts. 140-143) ---------------------------


def test_r_acc_1_a_month_from_leaving_on_28_february_keeps_the_data_through_march() -> None:
    """Art. 140: the day of leaving (10:00, 28 February) is not counted; the month runs
    from 1 March, the start of a month, so it is March (Art. 143(1)) and runs out at the
    end of 31 March (Art. 141). Before, pipolicy ended it at 10:00 on 28 March."""
    data = policy_data()
    data["purposes"]["service"].update(retention="1 month", retention_from="left")
    clock = pp.FixedClock(datetime(2026, 2, 28, 10, 0, tzinfo=JST))
    engine = pp.Engine(pp.policy_from_dict(data), clock=clock)
    s = engine.register_subject("u1")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    engine.mark_left(s)
    clock.set(datetime(2026, 3, 31, 23, 59, 59, tzinfo=JST))
    assert engine.check_use(s, purpose="service", items={"email"}).allowed
    assert engine.retention_report() == []
    clock.set(datetime(2026, 4, 1, 0, 0, tzinfo=JST))
    assert not engine.check_use(s, purpose="service", items={"email"}).allowed
    [entry] = engine.retention_report()
    assert entry.due_since == datetime(2026, 4, 1, 0, 0, tzinfo=JST)


@pytest.mark.parametrize(
    ("start", "period", "last"),
    [
        (datetime(2026, 1, 30, 10, 0), "1 month", date(2026, 2, 28)),  # no 31 Feb: its end
        (datetime(2026, 1, 31, 0, 0), "1 month", date(2026, 2, 28)),  # from midnight: counted
        (datetime(2026, 2, 28, 10, 0), "98 months", date(2034, 4, 30)),
        (datetime(2027, 2, 28, 10, 0), "1 year", date(2028, 2, 29)),  # a leap year's end
        (datetime(2026, 4, 1, 10, 0), "3 years", date(2029, 4, 1)),
        (datetime(2026, 4, 1, 10, 0), "30 days", date(2026, 5, 1)),
    ],
)
def test_r_rec_1_a_period_runs_to_the_end_of_its_last_day(
    start: datetime, period: str, last: date
) -> None:
    """Civil Code Arts. 140-143, in the policy's time zone: a period starting at a time
    of day counts from the next day; a month or a year ends the day before the day that
    corresponds to its first day, or at the end of the last month where it has no such
    day; the period runs out at the midnight that ends its last day."""
    policy = pp.policy_from_dict(policy_data())
    end = policy.period_end(start.replace(tzinfo=JST), Duration.parse(period, "period"))
    assert end == datetime.combine(last + timedelta(days=1), datetime.min.time(), JST)
    assert policy.local_date(end - timedelta(microseconds=1)) == last


def test_r_rec_1_a_record_made_in_tokyo_is_kept_to_the_end_of_the_tokyo_day() -> None:
    """A provision at 23:30 UTC on 31 March is 08:30 on 1 April in Tokyo: three years
    are counted from 2 April, and the record is kept through 1 April 2029, Tokyo time."""
    policy = pp.policy_from_dict(policy_data())
    made = datetime(2026, 3, 31, 23, 30, tzinfo=timezone.utc)
    assert policy.period_end(made, policy.record_retention) == datetime(
        2029, 4, 2, 0, 0, tzinfo=JST
    )


def test_r_acc_1_a_period_from_a_day_whose_clock_skips_midnight_counts_that_day() -> None:
    """In Santiago, 6 September 2026 begins at 01:00 (the clock skips midnight): a
    period counted from the start of that day counts it (Civil Code Art. 140 proviso),
    so a day's retention after a campaign's last day, 5 September, ends with the 6th."""
    data = policy_data()
    data["policy"]["timezone"] = "America/Santiago"
    data["purposes"]["campaign"] = {
        "items": ["email"],
        "ends": "2026-09-05",
        "retention": "1 day",
        "retention_from": "purpose_ended",
    }
    policy = pp.policy_from_dict(data)
    santiago = ZoneInfo("America/Santiago")
    due = policy.retention_due({"campaign"}, datetime(2026, 8, 1, 10, 0, tzinfo=santiago))
    assert due == policy.day_end(date(2026, 9, 6))
