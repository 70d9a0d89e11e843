"""Cycles fall on local days counted from the start date, at the local hour, in the account's
time zone: month ends clamp without losing the anchor day, DST changes move nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from recurring import calendar
from recurring.models import Frequency, RecurringInvoice

PARIS = ZoneInfo("Europe/Paris")


def first(start: date, frequency: str, count: int) -> list[date]:
    return [calendar.period(start, frequency, index) for index in range(count)]


def test_monthly_on_the_31st_falls_on_shorter_months_last_day_and_keeps_its_day():
    assert first(date(2026, 1, 31), Frequency.MONTHLY, 5) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),  # not 28 March: counted from the start, not from February
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]
    assert calendar.period(date(2028, 1, 31), Frequency.MONTHLY, 1) == date(2028, 2, 29)
    assert calendar.period_after(date(2026, 1, 31), Frequency.MONTHLY, date(2026, 2, 28)) == (
        date(2026, 3, 31)
    )


@pytest.mark.parametrize(
    ("frequency", "expected"),
    [
        (Frequency.BIMONTHLY, [date(2026, 8, 31), date(2026, 10, 31), date(2026, 12, 31),
                               date(2027, 2, 28), date(2027, 4, 30)]),
        (Frequency.QUARTERLY, [date(2026, 8, 31), date(2026, 11, 30), date(2027, 2, 28),
                               date(2027, 5, 31), date(2027, 8, 31)]),
        (Frequency.HALF_YEARLY, [date(2026, 8, 31), date(2027, 2, 28), date(2027, 8, 31),
                                 date(2028, 2, 29), date(2028, 8, 31)]),
    ],
)  # fmt: skip
def test_every_two_three_or_six_months_from_the_31st(frequency, expected):
    assert first(date(2026, 8, 31), frequency, 5) == expected


def test_yearly_on_the_29th_of_february_falls_on_the_28th_until_the_next_leap_year():
    assert first(date(2028, 2, 29), Frequency.YEARLY, 5) == [
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]


def test_weekly_and_every_two_weeks_keep_the_weekday_across_the_year_end():
    start = date(2026, 12, 17)  # a Thursday
    assert first(start, Frequency.WEEKLY, 3) == [
        date(2026, 12, 17),
        date(2026, 12, 24),
        date(2026, 12, 31),
    ]
    assert first(start, Frequency.BIWEEKLY, 3) == [
        date(2026, 12, 17),
        date(2026, 12, 31),
        date(2027, 1, 14),
    ]


@pytest.mark.parametrize("frequency", list(Frequency))
def test_the_period_from_any_day_is_the_first_on_or_after_it(frequency):
    start = date(2026, 1, 31)
    periods = first(start, frequency, 30)
    for day in (date(2025, 12, 1), date(2026, 3, 1), date(2026, 3, 31), date(2027, 6, 15)):
        expected = min((p for p in periods if p >= day), default=None)
        if expected is not None:
            assert calendar.first_period_from(start, frequency, day) == expected


@pytest.mark.parametrize(
    ("day", "hour", "expected"),
    [
        # Spring forward (29 March): 02:00 does not exist; sent at 03:00 summer time.
        (date(2026, 3, 29), 2, datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        (date(2026, 3, 28), 9, datetime(2026, 3, 28, 8, 0, tzinfo=UTC)),
        (date(2026, 3, 30), 9, datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),
        # Fall back (25 October): 02:00 comes twice; sent at the first, once.
        (date(2026, 10, 25), 2, datetime(2026, 10, 25, 0, 0, tzinfo=UTC)),
        (date(2026, 10, 26), 9, datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),
    ],
)
def test_the_send_time_is_the_local_hour_in_paris_around_both_dst_changes(day, hour, expected):
    assert calendar.send_time(RecurringInvoice(hour=hour), day, PARIS) == expected


def test_the_schedule_lists_the_next_send_dates_from_the_next_one():
    assert calendar.upcoming(date(2026, 1, 31), Frequency.MONTHLY, date(2026, 3, 31), 3) == [
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]
