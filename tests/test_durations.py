"""Calendar durations: certificate age (R-REQ-3), deadlines in days and Japanese business
days (R-REQ-8), retention in months and years (R-ACC-1, R-REC-1)."""

from __future__ import annotations

import calendar
import sys
from datetime import date, datetime, timedelta

import pytest

import pipolicy as pp
from pipolicy.domain.durations import (
    Duration,
    Unit,
    add_months,
    is_business_day,
    require_business_calendar,
)
from pipolicy.errors import InvalidInput
from tests.factories import JST, make_policy

THREE_MONTHS = Duration.parse("3 months")


# R-REQ-3: a seal certificate must have been issued within 3 months.


def test_r_req_3_seal_certificate_issued_1_july_valid_on_30_september() -> None:
    assert THREE_MONTHS.before(date(2026, 9, 30)) <= date(2026, 7, 1)


def test_r_req_3_seal_certificate_issued_1_july_valid_on_1_october() -> None:
    assert THREE_MONTHS.after(date(2026, 7, 1)) == date(2026, 10, 1)
    assert THREE_MONTHS.before(date(2026, 10, 1)) == date(2026, 7, 1)


def test_r_req_3_seal_certificate_issued_1_july_expired_on_2_october() -> None:
    assert THREE_MONTHS.before(date(2026, 10, 2)) > date(2026, 7, 1)


def test_r_req_3_before_clamps_to_a_shorter_month() -> None:
    assert THREE_MONTHS.before(date(2026, 5, 31)) == date(2026, 2, 28)
    assert THREE_MONTHS.before(date(2028, 5, 31)) == date(2028, 2, 29)


def _civil_code_last_day(issued: date, months: int) -> date:
    """Civil Code Art. 140 and 143, written out: counting starts the day after issue and
    ends the day before the same day ``months`` later, or at the end of a shorter month."""
    start = issued + timedelta(days=1)
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if start.day > last:
        return date(year, month + 1, last)
    return date(year, month + 1, start.day) - timedelta(days=1)


@pytest.mark.parametrize("months", [1, 3, 6])
def test_r_req_3_before_is_the_civil_code_earliest_issue_date_on_every_day(months: int) -> None:
    duration = Duration(months, Unit.MONTHS)
    for offset in range(366 * 2):
        today = date(2027, 1, 1) + timedelta(days=offset)
        earliest = add_months(today, -months - 1)
        while _civil_code_last_day(earliest, months) < today:
            earliest += timedelta(days=1)
        assert duration.before(today) == earliest


# R-ACC-1 / R-REC-1: retention periods in months and years.


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 1, 15), -25, date(2023, 12, 15)),
        (date(2026, 1, 15), 0, date(2026, 1, 15)),
    ],
)
def test_r_acc_1_add_months_clamps_to_the_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_r_acc_1_retention_in_months() -> None:
    six_months = Duration.parse("6 months")
    assert six_months.after(date(2026, 8, 31)) == date(2027, 2, 28)
    assert six_months.before(date(2027, 2, 28)) == date(2026, 8, 28)


def test_r_acc_1_retention_in_years_over_a_leap_day() -> None:
    assert Duration.parse("1 year").after(date(2028, 2, 29)) == date(2029, 2, 28)
    assert Duration.parse("P4Y").after(date(2028, 2, 29)) == date(2032, 2, 29)
    assert Duration.parse("1 year").before(date(2028, 2, 29)) == date(2027, 2, 28)


def test_r_rec_1_records_kept_3_years() -> None:
    three_years = Duration.parse("3 years")
    assert three_years.after(date(2026, 4, 1)) == date(2029, 4, 1)
    assert three_years.before(date(2029, 4, 1)) == date(2026, 4, 1)


def test_r_rec_1_years_are_twelve_months() -> None:
    day = date(2026, 10, 31)
    assert Duration(5, Unit.YEARS).after(day) == Duration(60, Unit.MONTHS).after(day)


def test_r_rec_1_a_period_outside_the_calendar_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="outside the calendar"):
        Duration(9000, Unit.YEARS).after(date(2026, 1, 1))
    with pytest.raises(InvalidInput, match="outside the calendar"):
        Duration(10**6, Unit.DAYS).before(date(2026, 1, 1))
    with pytest.raises(InvalidInput, match="outside the calendar"):
        add_months(date(1, 1, 1), -1)


# R-REQ-8: response deadlines in days and in Japanese business days.


def test_r_req_8_deadline_in_calendar_days() -> None:
    assert Duration.parse("14 days").after(date(2026, 4, 24)) == date(2026, 5, 8)
    assert Duration.parse(14) == Duration(14, Unit.DAYS)
    assert Duration.parse("P2W").before(date(2026, 5, 8)) == date(2026, 4, 24)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 6, 5), True),  # Friday
        (date(2026, 6, 6), False),  # Saturday
        (date(2026, 6, 7), False),  # Sunday
        (date(2026, 4, 29), False),  # Wednesday, Showa Day
        (date(2026, 5, 6), False),  # Wednesday, substitute holiday in Golden Week
        (date(2027, 1, 1), False),  # Friday, New Year's Day
        (date(2026, 12, 31), True),  # Thursday: not a national holiday
    ],
)
def test_r_req_8_japanese_business_days(day: date, expected: bool) -> None:
    assert is_business_day(day) is expected


def test_r_req_8_business_days_skip_the_weekend() -> None:
    one = Duration.parse("1 business day")
    assert one.after(date(2026, 6, 5)) == date(2026, 6, 8)
    assert one.before(date(2026, 6, 8)) == date(2026, 6, 5)


def test_r_req_8_business_days_skip_golden_week() -> None:
    # Sat 2 May to Wed 6 May 2026 are a weekend and three national holidays.
    one = Duration.parse("1 business day")
    assert one.after(date(2026, 5, 1)) == date(2026, 5, 7)
    assert one.before(date(2026, 5, 7)) == date(2026, 5, 1)
    assert Duration.parse("10 business days").after(date(2026, 4, 24)) == date(2026, 5, 14)


def test_r_req_8_business_days_skip_new_years_day() -> None:
    assert Duration.parse("1 business day").after(date(2026, 12, 31)) == date(2027, 1, 4)


def test_r_req_8_zero_business_days_is_the_day_itself() -> None:
    assert Duration(0, Unit.BUSINESS_DAYS).after(date(2027, 1, 1)) == date(2027, 1, 1)


def test_r_req_8_business_days_need_jpholiday(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jpholiday", None)  # makes the import fail
    ten = Duration.parse("10 business days")  # parsing needs no calendar
    for call in (
        require_business_calendar,
        lambda: is_business_day(date(2026, 6, 5)),
        lambda: ten.after(date(2026, 6, 5)),
    ):
        with pytest.raises(InvalidInput, match=r"pip install 'pipolicy\[jp\]'"):
            call()
    assert THREE_MONTHS.after(date(2026, 7, 1)) == date(2026, 10, 1)


def test_r_req_8_business_calendar_is_available_in_dev() -> None:
    require_business_calendar()


def test_r_req_8_a_datetime_is_refused() -> None:
    # A datetime must first be turned into the day it is in Japan.
    with pytest.raises(InvalidInput, match=r"datetime\.date"):
        Duration.parse("14 days").after(datetime(2026, 4, 1, 23, 30))
    with pytest.raises(InvalidInput, match=r"datetime\.date"):
        add_months("2026-04-01", 1)  # type: ignore[arg-type]


# Parsing and display, shared by every requirement that takes a duration.


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (14, Duration(14, Unit.DAYS)),
        (0, Duration(0, Unit.DAYS)),
        ("3 months", Duration(3, Unit.MONTHS)),
        ("1 month", Duration(1, Unit.MONTHS)),
        ("14 days", Duration(14, Unit.DAYS)),
        ("1 day", Duration(1, Unit.DAYS)),
        ("2 years", Duration(2, Unit.YEARS)),
        ("1 year", Duration(1, Unit.YEARS)),
        ("10 business days", Duration(10, Unit.BUSINESS_DAYS)),
        ("1 business day", Duration(1, Unit.BUSINESS_DAYS)),
        ("  3 MONTHS ", Duration(3, Unit.MONTHS)),
        ("10  Business   Days", Duration(10, Unit.BUSINESS_DAYS)),
        ("P3M", Duration(3, Unit.MONTHS)),
        ("P14D", Duration(14, Unit.DAYS)),
        ("P2Y", Duration(2, Unit.YEARS)),
        ("P2W", Duration(14, Unit.DAYS)),
        (" p1y ", Duration(1, Unit.YEARS)),
    ],
)
def test_r_acc_1_parse_accepts(value: object, expected: Duration) -> None:
    assert Duration.parse(value) == expected


def test_r_acc_1_parse_returns_a_duration_as_is() -> None:
    assert Duration.parse(THREE_MONTHS) is THREE_MONTHS


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("3 fortnights", r"retention is not a duration: write it like '3 months', '14 days'"),
        ("", "retention is not a duration"),
        ("months", "retention is not a duration"),
        ("3.5 months", "retention is not a duration"),
        ("PT3H", r"'10 business days'.*'P3M'"),
        ("P1Y2M", "retention must use one unit only"),
        ("P1W3D", "retention must use one unit only"),
        ("-3 months", "retention must not be negative"),
        ("P-1D", "retention must not be negative"),
        (-1, "retention must not be negative"),
        (True, "retention must be a duration such as '3 months'.*got bool"),
        (3.0, "got float"),
        (None, "got NoneType"),
    ],
)
def test_r_acc_1_parse_rejects(value: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Duration.parse(value, "retention")


def test_r_acc_1_duration_validates_its_fields() -> None:
    with pytest.raises(InvalidInput, match="must be an int, got bool"):
        Duration(True, Unit.DAYS)
    with pytest.raises(InvalidInput, match="must not be negative"):
        Duration(-1, Unit.DAYS)
    with pytest.raises(InvalidInput, match="must be a Unit member"):
        Duration(1, "days")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("duration", "text", "iso"),
    [
        (Duration(3, Unit.MONTHS), "3 months", "P3M"),
        (Duration(1, Unit.MONTHS), "1 month", "P1M"),
        (Duration(14, Unit.DAYS), "14 days", "P14D"),
        (Duration(1, Unit.DAYS), "1 day", "P1D"),
        (Duration(0, Unit.DAYS), "0 days", "P0D"),
        (Duration(1, Unit.YEARS), "1 year", "P1Y"),
        (Duration(3, Unit.YEARS), "3 years", "P3Y"),
        (Duration(10, Unit.BUSINESS_DAYS), "10 business days", None),
        (Duration(1, Unit.BUSINESS_DAYS), "1 business day", None),
    ],
)
def test_r_rec_1_str_and_iso_forms(duration: Duration, text: str, iso: str | None) -> None:
    assert str(duration) == text
    assert duration.iso == iso
    assert Duration.parse(text) == duration
    if iso is not None:
        assert Duration.parse(iso) == duration


def test_r_rec_1_unit_str_is_its_value() -> None:
    assert str(Unit.BUSINESS_DAYS) == "business_days"
    assert Unit("months") is Unit.MONTHS


def test_r_req_8_a_response_in_business_days_skips_the_company_s_closing_days() -> None:
    """Seed 000 L43 answers "excluding weekends, national holidays, and company
    holidays": the year-end closing counts no more than a Sunday does."""
    closing = ["12-29", "12-30", "12-31", "01-02", "01-03"]
    base = make_policy()
    closed = make_policy(
        requests=pp.RequestSettings(response="5 business days", closed_days=closing)
    )
    open_all_year = make_policy(requests=pp.RequestSettings(response="5 business days"))
    received = datetime(2026, 12, 25, 10, 0, tzinfo=JST)  # a Friday
    # 28 Dec (Mon), then 4-8 Jan: 1 Jan is a national holiday, 29 Dec-3 Jan the company's.
    assert closed.local_date(closed.response_due(received) - timedelta(microseconds=1)) == date(
        2027, 1, 7
    )
    # Without them: 28, 29, 30, 31 Dec and 4 Jan (1 Jan a holiday, 2-3 Jan a weekend).
    assert open_all_year.local_date(
        open_all_year.response_due(received) - timedelta(microseconds=1)
    ) == date(2027, 1, 4)
    assert base.requests.closed_days == frozenset()


def test_r_req_8_a_closing_day_must_be_a_day_of_the_year() -> None:
    with pytest.raises(pp.PolicyError, match="closed_days"):
        make_policy(requests=pp.RequestSettings(closed_days=["13-01"]))


def test_r_req_8_closing_days_that_leave_no_day_open_are_refused() -> None:
    every_day = [f"{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 32)]
    valid = [day for day in every_day if day not in ("02-30", "02-31", "04-31", "06-31")]
    valid = [day for day in valid if day not in ("09-31", "11-31")]
    with pytest.raises(pp.PolicyError, match="closed_days"):
        make_policy(requests=pp.RequestSettings(closed_days=valid))
    with pytest.raises(InvalidInput, match="no business day"):
        Duration.parse("1 business day").after(date(2026, 12, 1), closed=lambda _: True)
