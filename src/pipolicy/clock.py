"""Time, injected.

Domain logic never reads the system time: the engine asks its clock, so tests and
replays decide what "now" is. Every datetime pipolicy accepts or returns is aware.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from typing import Protocol, runtime_checkable

from pipolicy.errors import InvalidInput

__all__ = ["Clock", "FixedClock", "SystemClock", "arrived", "instant", "require_aware"]


def require_aware(value: datetime, name: str = "datetime") -> datetime:
    """Return ``value`` if it carries a timezone, else raise :class:`InvalidInput`."""
    if not isinstance(value, datetime):
        raise InvalidInput(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            f"{name} is naive: pass a timezone-aware datetime, e.g. "
            "datetime(2026, 11, 22, tzinfo=timezone.utc)"
        )
    return value


def instant(value: datetime, name: str = "datetime") -> datetime:
    """``value`` as an unambiguous instant: aware, with a fixed UTC offset.

    Python compares two datetimes that share one ``ZoneInfo`` by their wall-clock time,
    ignoring ``fold``, so during the repeated hour of a daylight-saving change a later
    instant can compare as earlier. Every instant entering the domain goes through here:
    the offset it had is kept (for display, as the SQL rows keep it) but frozen, so
    comparisons and arithmetic are on real elapsed time.
    """
    value = require_aware(value, name)
    if isinstance(value.tzinfo, timezone):
        return value
    offset = value.utcoffset()
    assert offset is not None  # require_aware checked it
    return value.astimezone(timezone(offset))


def arrived(value: datetime | None, now: datetime, name: str = "received_at") -> datetime:
    """When something (a request, a complaint) reached the business: ``now`` when not
    given, else ``value`` as an :func:`instant` (a naive one is refused) that is not after
    ``now``. A letter entered days after it arrived counts from its arrival (it takes
    effect when it reaches the business, Civil Code Art. 97(1); APPI Art. 39 counts from
    that day too); one cannot arrive after it is entered."""
    if value is None:
        return now
    at = instant(value, name)
    if at > now:
        raise InvalidInput(f"{name} is in the future: give when it reached the business")
    return at


@runtime_checkable
class Clock(Protocol):
    """Anything with ``now()`` returning an aware datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time, in ``tz`` (UTC by default; the engine gives it the policy's zone)."""

    def __init__(self, tz: tzinfo = timezone.utc) -> None:
        self._tz = tz

    def now(self) -> datetime:
        return datetime.now(self._tz)

    def __repr__(self) -> str:
        return f"SystemClock(tz={self._tz})"


class FixedClock:
    """A clock that only moves when told to; for tests, demos and replays."""

    def __init__(self, at: datetime) -> None:
        self._now = require_aware(at, "FixedClock start")

    def now(self) -> datetime:
        return self._now

    def set(self, at: datetime) -> None:
        self._now = require_aware(at, "FixedClock.set")

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` of real elapsed time and return the new now.

        Across a daylight-saving change the wall clock jumps: one hour after 01:30 on the
        night clocks go back is 01:30 again, at the other offset.
        """
        if delta < timedelta(0):
            raise InvalidInput("a clock cannot go back: pass a non-negative timedelta")
        tz = self._now.tzinfo
        self._now = (self._now.astimezone(timezone.utc) + delta).astimezone(tz)
        return self._now

    def __repr__(self) -> str:
        return f"FixedClock({self._now.isoformat()})"
