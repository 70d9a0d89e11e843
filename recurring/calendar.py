"""When a recurring invoice's cycles fall: local days counted from its start date, sent at its
local hour in the account's time zone.

Periods are counted from the start date, never from the previous period, so the anchor day is
kept: monthly from 31 January falls on 28 (or 29) February, then 31 March and 30 April, not on
the 28th for ever after. Weeks are 7 local days whatever the clocks do. The hour is local and
read by automated invoicing's ``run_time``: an hour the clocks skip sends at the first instant
after the gap, an hour they repeat sends once (at the first).
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from auto_invoicing.calendar import run_time
from recurring.models import Frequency

# Each frequency as (days, months) per cycle: exactly one of them is set.
STEP = {
    Frequency.WEEKLY: (7, 0),
    Frequency.BIWEEKLY: (14, 0),
    Frequency.MONTHLY: (0, 1),
    Frequency.BIMONTHLY: (0, 2),
    Frequency.QUARTERLY: (0, 3),
    Frequency.HALF_YEARLY: (0, 6),
    Frequency.YEARLY: (0, 12),
}


def period(start: date, frequency: str, index: int) -> date:
    """The local day of cycle ``index`` (0 is the start date); a month too short for the
    start's day gives its last day."""
    days, months = STEP[frequency]
    if days:
        return start + timedelta(days=days * index)
    year, month = divmod(start.month - 1 + months * index, 12)
    year += start.year
    last = _calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def first_period_from(start: date, frequency: str, day: date) -> date:
    """The first period on or after ``day`` (the start date itself when ``day`` is before)."""
    days, months = STEP[frequency]
    if day <= start:
        return start
    if days:
        guess = (day - start).days // days
    else:
        guess = ((day.year - start.year) * 12 + day.month - start.month) // months
    for index in count(max(guess - 1, 0)):
        if (found := period(start, frequency, index)) >= day:
            return found
    raise AssertionError("unreachable")  # pragma: no cover


def period_after(start: date, frequency: str, day: date) -> date:
    """The period that follows ``day`` (a period already invoiced, usually)."""
    return first_period_from(start, frequency, day + timedelta(days=1))


def send_time(recurring, day: date, tz: ZoneInfo) -> datetime:
    """The instant (UTC) ``recurring``'s cycle of the local ``day`` is sent (at its ``hour``)."""
    return run_time(recurring, day, tz)


def upcoming(start: date, frequency: str, first: date | None, limit: int) -> list[date]:
    """Up to ``limit`` periods from ``first`` on (the schedule the staff page shows)."""
    if first is None or limit <= 0:
        return []
    days = [first]
    while len(days) < limit:
        days.append(period_after(start, frequency, days[-1]))
    return days
