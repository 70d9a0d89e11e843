"""Billing periods and prorations, computed the way Stripe computes them.

A subscription's periods are counted from its billing cycle anchor: the n-th period ends
n × ``interval_count`` intervals after the anchor, a month landing on the anchor's day, or on
the month's last day when it is shorter (an anchor on 31 January renews on 28 February, then
on 31 March). A proration is to the second: the price times the share of the period's
seconds left at the proration date, rounded half up to the currency's minor unit
(``connectors/money.py``).
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from connectors.money import from_minor_units, minor_units, round_to_minor


def period_boundary(anchor: int, recurring: dict, periods: int) -> int:
    """The timestamp ``periods`` billing periods after ``anchor``."""
    start = datetime.fromtimestamp(anchor, UTC)
    count = recurring["interval_count"] * periods
    interval = recurring["interval"]
    if interval in ("day", "week"):
        moved = start + timedelta(days=count * (7 if interval == "week" else 1))
    else:
        months = count * (12 if interval == "year" else 1)
        year, month = divmod(start.month - 1 + months, 12)
        year, month = start.year + year, month + 1
        moved = start.replace(
            year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
        )
    return int(moved.timestamp())


def prorated(amount: int, currency: str, start: int, end: int, moment: int) -> int:
    """The part of ``amount`` (minor units, for the period ``start``–``end``) that the time
    from ``moment`` to ``end`` is worth."""
    share = Decimal(max(end - moment, 0)) / Decimal(end - start)
    exact = from_minor_units(amount, currency) * share
    return minor_units(round_to_minor(exact, currency), currency)
