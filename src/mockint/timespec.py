"""Dates and ages as people type them: ``2026-11-01``, ``30d``, ``2w``, ``today``.

Calendar dates are read in the local time zone (the user's day), and every
result is an aware UTC ``datetime``, the form timestamps are stored in.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from mockint.errors import UsageError

_AGE = re.compile(r"^(\d{1,5})\s*(h|d|w|y)$", re.IGNORECASE)
_UNIT_HOURS = {"h": 1, "d": 24, "w": 24 * 7, "y": 24 * 365}
FORMS = "a date (2026-11-01), a date and time (2026-11-01T09:30), an age (12h, 30d, 2w, 1y), today or yesterday"


def parse_age(value: str, option: str = "--older-than") -> timedelta:
    """``90d`` -> 90 days; hours, days, weeks and years are understood. UsageError for
    anything else, and for an age of zero (``--older-than 0d`` would mean every session)."""
    match = _AGE.match(value.strip())
    if not match:
        raise UsageError(
            f"{option} {value!r} is not an age; use a number and a unit: 12h, 90d, 2w, 1y."
        )
    if int(match.group(1)) == 0:
        raise UsageError(f"{option} {value!r} is an age of zero; give at least 1h (12h, 90d, 2w).")
    return timedelta(hours=int(match.group(1)) * _UNIT_HOURS[match.group(2).lower()])


def _too_far(value: str, option: str) -> UsageError:
    return UsageError(
        f"{option} {value!r} is too far away; give a date between the years 1 and 9999."
    )


def local(moment: datetime) -> datetime:
    """``moment`` in the local time zone, or in UTC when the system's zone cannot be
    represented (``TZ=UTC+99``: Python's offsets stay within 24 hours)."""
    try:
        return moment.astimezone()
    except (ValueError, OverflowError):
        return moment.astimezone(UTC)


def _local_midnight(day: date) -> datetime:
    midnight = datetime.combine(day, time())
    try:
        return midnight.astimezone().astimezone(UTC)
    except ValueError:  # an unrepresentable zone: the day in UTC
        return midnight.replace(tzinfo=UTC)


def parse_moment(
    value: str, option: str, *, end: bool = False, now: datetime | None = None
) -> datetime:
    """A point in time from a date, a date and time, an age before ``now``, or a day name.

    With ``end``, a bare date means the end of that day (so ``--until 2026-11-01``
    includes the whole of the first of November).
    """
    try:
        return _moment(value, option, end=end, now=now or datetime.now(UTC))
    except (OverflowError, ValueError):  # past year 1 or 9999 once in UTC ("year 0 ...")
        raise _too_far(value, option) from None


def _moment(value: str, option: str, *, end: bool, now: datetime) -> datetime:
    text = value.strip().lower()
    day: date | None = None
    if text in ("today", "yesterday"):
        day = local(now).date() - timedelta(days=1 if text == "yesterday" else 0)
    elif _AGE.match(text):
        return now - parse_age(text, option)
    else:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            try:
                moment = datetime.fromisoformat(value.strip())
            except ValueError:
                raise UsageError(f"{option} {value!r} is not a date; use {FORMS}.") from None
            if moment.tzinfo is None:
                moment = local(moment)
            return moment.astimezone(UTC)
    return _local_midnight(day + timedelta(days=1) if end else day)


def stamp(moment: datetime) -> str:
    """The stored text form of a timestamp, comparable as a string."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def iso(moment: datetime | None) -> str | None:
    """``stamp(moment)``, or None for no moment."""
    return stamp(moment) if moment else None


def clock(seconds: float) -> str:
    """``seconds`` as a timer shows them: ``mm:ss`` (minutes may exceed 59)."""
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"


def days_ago(days: float) -> str:
    """How long ago, in whole days: "today" under one day, "yesterday", "12 days ago"."""
    whole = int(days)
    if whole < 1:
        return "today"
    return "yesterday" if whole == 1 else f"{whole} days ago"
