"""Dates as a person reads them: 2026年12月2日 (or 令和8年12月2日) and 2 December 2026.

A date shown to a person is a calendar day in the policy's time zone
(:meth:`pipolicy.Policy.local_date`), never an instant's UTC day.
"""

from __future__ import annotations

from datetime import date

__all__ = ["ERAS", "format_date"]

ERAS: tuple[tuple[date, str], ...] = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
)
"""Japanese eras since 1926, newest first: (first day, name)."""

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def format_date(day: date, lang: str, *, era: bool = False) -> str:
    """``day`` in ``lang``: ``2026年12月2日``, with ``era`` ``令和8年12月2日`` (the first
    year of an era is 元年), or ``2 December 2026``."""
    if lang == "ja":
        year = f"{day.year}年"
        if era:
            for start, name in ERAS:
                if day >= start:
                    n = day.year - start.year + 1
                    year = f"{name}{'元' if n == 1 else n}年"
                    break
        return f"{year}{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
