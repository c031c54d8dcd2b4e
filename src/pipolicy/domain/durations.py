"""Policy durations that follow the calendar, not a count of days (R-REQ-3, R-REQ-8,
R-ACC-1, R-REC-1).

A policy says "a seal certificate issued within 3 months", "keep records 3 years",
"answer within 14 days" or "within 10 business days". Months and years have no fixed
length, so they move on the calendar: the same day number ``n`` months on, or the last
day of a shorter month (31 January + 1 month = 28 February). The starting day is never
counted, as in the Civil Code (Art. 140). Business days are Japanese ones: weekdays
that are not national holidays, taken from the maintained ``jpholiday`` package (the
``jp`` extra) rather than a calendar written here that would go stale.
"""

from __future__ import annotations

import calendar
import enum
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import attrs

from pipolicy.errors import InvalidInput

__all__ = [
    "Duration",
    "Unit",
    "add_months",
    "is_business_day",
    "require_business_calendar",
]

_EXAMPLES = "'3 months', '14 days', '10 business days', '2 years' or 'P3M'"
_WORDS = re.compile(r"([+-]?[0-9]+)\s*(business\s+days?|days?|months?|years?)")
_ISO = re.compile(r"p([+-]?[0-9]+)([ymwd])")
_ISO_SEVERAL = re.compile(r"p(?:[0-9]+[ymwd]){2,}")


class Unit(str, enum.Enum):
    DAYS = "days"
    BUSINESS_DAYS = "business_days"
    MONTHS = "months"
    YEARS = "years"

    def __str__(self) -> str:
        return self.value


_WORD_UNITS = {
    "day": Unit.DAYS,
    "business day": Unit.BUSINESS_DAYS,
    "month": Unit.MONTHS,
    "year": Unit.YEARS,
}
# ISO 8601 designator -> (unit, multiplier): a week is seven calendar days.
_ISO_UNITS = {"y": (Unit.YEARS, 1), "m": (Unit.MONTHS, 1), "w": (Unit.DAYS, 7), "d": (Unit.DAYS, 1)}


def _a_date(day: object) -> date:
    # A datetime would carry a time and maybe a zone: the caller must first decide which
    # calendar day it is in Japan, or a deadline could move by a day.
    if not isinstance(day, date) or isinstance(day, datetime):
        raise InvalidInput(
            f"the day must be a datetime.date such as date(2030, 1, 31), got {type(day).__name__}"
        )
    return day


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months (negative: back), clamped to the end of a
    shorter month: 2026-01-31 + 1 is 2026-02-28, 2028-01-31 + 1 is 2028-02-29."""
    _a_date(day)
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise InvalidInput("the period runs outside the calendar (years 1 to 9999)")
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _holiday_check() -> Callable[[date], bool]:
    """``jpholiday.is_holiday``, imported only when business days are used."""
    try:
        from jpholiday import is_holiday
    except ImportError:
        raise InvalidInput(
            "business days need the Japanese national holiday calendar from the jpholiday "
            "package: install it with pip install 'pipolicy[jp]'"
        ) from None
    return is_holiday


def require_business_calendar() -> None:
    """Fail now, not at the first deadline, if business days cannot be counted."""
    _holiday_check()


def is_business_day(day: date) -> bool:
    """Whether ``day`` is a Japanese business day: Monday to Friday, not a national holiday."""
    is_holiday = _holiday_check()
    return _a_date(day).weekday() < 5 and not is_holiday(day)


def _business_days(day: date, n: int, step: int, closed: Callable[[date], bool]) -> date:
    is_holiday = _holiday_check()
    for _ in range(n):
        day += timedelta(days=step)
        skipped = 0
        while day.weekday() >= 5 or is_holiday(day) or closed(day):
            day += timedelta(days=step)
            skipped += 1
            if skipped > 366:  # closing days that leave no day open would never end
                raise InvalidInput("no business day within a year: check the closing days")
    return day


def _never(_: date) -> bool:
    return False


def _amount(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(f"a duration's amount must be an int, got {type(value).__name__}")
    if value < 0:
        raise InvalidInput("a duration's amount must not be negative")


def _unit(_: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, Unit):
        raise InvalidInput(
            "a duration's unit must be a Unit member (days, business_days, months, years), "
            f"got {type(value).__name__}"
        )


@attrs.frozen
class Duration:
    """A policy period such as ``3 months``, ``14 days`` or ``10 business days``.

    Build one with :meth:`parse` from what a policy file holds.
    """

    amount: int = attrs.field(validator=_amount)
    unit: Unit = attrs.field(validator=_unit)

    @classmethod
    def parse(cls, value: object, what: str = "duration") -> Duration:
        """A duration from an int (days), ``"3 months"``, ``"10 business days"`` or an
        ISO 8601 period with one unit (``"P3M"``, ``"P2W"`` = 14 days)."""
        if isinstance(value, Duration):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return cls._of(value, Unit.DAYS, what)
        if not isinstance(value, str):
            raise InvalidInput(
                f"{what} must be a duration such as {_EXAMPLES}, got {type(value).__name__}"
            )
        text = value.strip().lower()
        if match := _WORDS.fullmatch(text):
            word = " ".join(match[2].split()).removesuffix("s")
            return cls._of(int(match[1]), _WORD_UNITS[word], what)
        if match := _ISO.fullmatch(text):
            unit, factor = _ISO_UNITS[match[2]]
            return cls._of(int(match[1]) * factor, unit, what)
        if _ISO_SEVERAL.fullmatch(text):
            raise InvalidInput(f"{what} must use one unit only: write 'P1Y2M' as 'P14M'")
        raise InvalidInput(f"{what} is not a duration: write it like {_EXAMPLES}")

    @classmethod
    def _of(cls, amount: int, unit: Unit, what: str) -> Duration:
        if amount < 0:
            raise InvalidInput(f"{what} must not be negative")
        return cls(amount, unit)

    def after(self, day: date, *, closed: Callable[[date], bool] = _never) -> date:
        """The day ``amount`` units after ``day``, which itself is not counted: the last day
        of a period that starts on ``day`` (14 days after a request is its deadline).
        Business days also skip the days ``closed`` names (the business's own holidays)."""
        return self._move(day, 1, closed)

    def last_day(self, first: date, *, closed: Callable[[date], bool] = _never) -> date:
        """The last day of a period whose first counted day is ``first`` (Civil Code
        Arts. 140-143): ``n`` days end on day ``n``; months and years end the day before
        the day of the month ``first`` falls on, in the last month, or that month's last
        day where it has no such day. A month from 1 March ends on 31 March, a month from
        1 February on 28 February, a month from 31 January (1 February is the day after
        it) on 28 February, not on 29 or 30 days later. The period runs out at the end of
        this day (Art. 141). A period of nothing ends the day before ``first``."""
        _a_date(first)
        if self.amount == 0:
            return first - timedelta(days=1)
        try:
            if self.unit is Unit.DAYS:
                return first + timedelta(days=self.amount - 1)
            if self.unit is Unit.BUSINESS_DAYS:
                return _business_days(first - timedelta(days=1), self.amount, 1, closed)
            months = self.amount * (12 if self.unit is Unit.YEARS else 1)
            index = first.year * 12 + first.month - 1 + months
            year, month = divmod(index, 12)
            if not 1 <= year <= 9999:
                raise InvalidInput("the period runs outside the calendar (years 1 to 9999)")
            length = calendar.monthrange(year, month + 1)[1]
            if first.day > length:  # no such day in the last month: it ends with the month
                return date(year, month + 1, length)
            return date(year, month + 1, first.day) - timedelta(days=1)
        except OverflowError:
            raise InvalidInput("the period runs outside the calendar (years 1 to 9999)") from None

    def before(self, day: date) -> date:
        """The day ``amount`` units before ``day``: the earliest issue date still "within"
        the period on ``day``, so check ``issued >= d.before(today)``.

        That check gives the Civil Code's answer (Art. 143) on every day. The reverse check
        ``today <= d.after(issued)`` is up to three days stricter when ``issued`` is the
        last day of a month: 30 April + 1 month is 30 May, but the Code's month runs to
        31 May.
        """
        return self._move(day, -1)

    def _move(self, day: date, sign: int, closed: Callable[[date], bool] = _never) -> date:
        _a_date(day)
        try:
            if self.unit is Unit.DAYS:
                return day + timedelta(days=sign * self.amount)
            if self.unit is Unit.BUSINESS_DAYS:
                return _business_days(day, self.amount, sign, closed)
            months = self.amount * (12 if self.unit is Unit.YEARS else 1)
            return add_months(day, sign * months)
        except OverflowError:
            raise InvalidInput("the period runs outside the calendar (years 1 to 9999)") from None

    def __str__(self) -> str:
        label = str(self.unit).replace("_", " ")
        return f"{self.amount} {label.removesuffix('s') if self.amount == 1 else label}"

    @property
    def iso(self) -> str | None:
        """The ISO 8601 form (``P3M``, ``P14D``, ``P1Y``); None for business days, which
        ISO 8601 cannot express."""
        if self.unit is Unit.BUSINESS_DAYS:
            return None
        return f"P{self.amount}{str(self.unit)[0].upper()}"
