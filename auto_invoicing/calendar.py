"""When cycles run: on which local days, at which local hour, in the account's time zone.

A cycle runs once per *period*: the local day it is for. Daily runs every day, weekly on the
chosen weekday, monthly on the chosen day of the month, the 29th to 31st meaning the last day
of shorter months (the 31st runs on 28 or 29 February, 30 April…). The hour is local: a daily
cycle at 9 runs at 9 in Paris in winter and in summer, once per local day across both DST
changes (an hour the clocks skip runs at the first instant after it).
"""

from __future__ import annotations

import calendar as _calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from auto_invoicing.models import AutoInvoicing, Cycle

LOOK_BACK_DAYS = 31  # a monthly cycle's previous period is at most this far back


def runs_on(settings: AutoInvoicing, day: date) -> bool:
    if settings.cycle == Cycle.DAILY:
        return True
    if settings.cycle == Cycle.WEEKLY:
        return day.weekday() == settings.weekday
    last = _calendar.monthrange(day.year, day.month)[1]
    return day.day == min(settings.month_day, last)


def run_time(settings: AutoInvoicing, day: date, tz: ZoneInfo) -> datetime:
    """The instant (UTC) of the cycle's hour on the local ``day``. A skipped hour (spring
    forward) is read with the offset before the change, which lands just after the gap."""
    local = datetime.combine(day, time(settings.hour), tzinfo=tz)
    # Round trip through UTC: a wall time in the gap becomes a real instant.
    return local.astimezone(UTC)


def due_period(settings: AutoInvoicing, now: datetime, tz: ZoneInfo) -> date | None:
    """The latest period whose run time has come by ``now``, if the cycle was on by then:
    the one a scheduled run is for. Older missed periods are not run one by one: the next run
    bills every charge due by its own day, those of the missed periods included."""
    today = now.astimezone(tz).date()
    for back in range(LOOK_BACK_DAYS + 1):
        day = today - timedelta(days=back)
        if not runs_on(settings, day):
            continue
        at = run_time(settings, day, tz)
        if at > now:
            continue
        if settings.enabled_at is None or at < settings.enabled_at:
            return None
        return day
    return None


def next_run(settings: AutoInvoicing, now: datetime, tz: ZoneInfo) -> datetime | None:
    """When the next scheduled run starts (for the settings page), ``None`` when off."""
    if not settings.enabled:
        return None
    today = now.astimezone(tz).date()
    for ahead in range(LOOK_BACK_DAYS * 2 + 1):
        day = today + timedelta(days=ahead)
        if runs_on(settings, day) and (at := run_time(settings, day, tz)) > now:
            return at
    return None
