"""Cycles run at the chosen local hour, once per period, in the account's own time zone.

Time is travelled (``timezone.now`` follows a clock the test moves), and each moment is what
beat does every five minutes: ``start_scheduled_run`` (or the whole ``tick``), the run it
starts processed at once as a worker would.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from auto_invoicing import calendar, cycle, tasks
from auto_invoicing.models import AutoInvoicing, Cycle, InvoicingRun, Weekday
from auto_invoicing.tests.conftest import a_charge, a_client, auto_invoicing
from charges.models import Charge
from tenants.models import Tenant

PARIS = ZoneInfo("Europe/Paris")
FIVE_MINUTES = timedelta(minutes=5)


@pytest.fixture
def clock(monkeypatch):
    """The time the app reads (``timezone.now``), moved by the test."""
    moment = {"now": datetime(2026, 1, 1, tzinfo=UTC)}

    class Clock:
        def set(self, at: datetime) -> None:
            moment["now"] = at.astimezone(UTC)

    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return Clock()


def account_in(tenant, time_zone: str, clock, enabled_at: datetime, **fields) -> None:
    """The account in ``time_zone``, automated invoicing on since ``enabled_at``."""
    Tenant.objects.filter(pk=tenant.pk).update(time_zone=time_zone)  # rolled back after
    clock.set(enabled_at)
    auto_invoicing(tenant, enabled=True, enabled_at=enabled_at, **fields)


def moments(start: datetime, end: datetime, every: timedelta):
    at = start.astimezone(UTC)
    while at < end:
        yield at
        at += every


def beat(clock, start: datetime, end: datetime, every=FIVE_MINUTES) -> list[InvoicingRun]:
    """Every ``every`` from ``start`` to ``end``: the scheduled run, if one starts, processed."""
    runs = []
    for at in moments(start, end, every):
        clock.set(at)
        run = cycle.start_scheduled_run(now=at)
        if run is not None:
            runs.append(cycle.process(run.pk, now=at))
    return runs


def started(runs, tz) -> list[str]:
    """Each run's period and the local time it started, e.g. "03-29 at 03:00 +0200"."""
    return [f"{run.period:%m-%d} at {run.cutoff.astimezone(tz):%H:%M %z}" for run in runs]


# Daylight saving time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_day", "hour", "expected"),
    [
        # Spring forward on 29 March: 02:00 does not exist that day; the run comes at 03:00.
        (
            date(2026, 3, 28),
            2,
            ["03-28 at 02:00 +0100", "03-29 at 03:00 +0200", "03-30 at 02:00 +0200"],
        ),
        (
            date(2026, 3, 28),
            9,
            ["03-28 at 09:00 +0100", "03-29 at 09:00 +0200", "03-30 at 09:00 +0200"],
        ),
        # Fall back on 25 October: 02:00 comes twice; the run comes at the first, once.
        (
            date(2026, 10, 24),
            2,
            ["10-24 at 02:00 +0200", "10-25 at 02:00 +0200", "10-26 at 02:00 +0100"],
        ),
        (
            date(2026, 10, 24),
            9,
            ["10-24 at 09:00 +0200", "10-25 at 09:00 +0100", "10-26 at 09:00 +0100"],
        ),
    ],
)
def test_a_daily_cycle_in_paris_runs_once_per_local_day_across_a_dst_change(
    alpha, clock, first_day, hour, expected
):
    midnight = datetime.combine(first_day, datetime.min.time(), tzinfo=PARIS)
    with schema_context(alpha.schema_name):
        account_in(alpha, "Europe/Paris", clock, midnight, cycle=Cycle.DAILY, hour=hour)
        ann = a_client("Ann Lee")
        days = [first_day + timedelta(days=n) for n in range(3)]
        charges = {day: a_charge(ann, "10.00", day) for day in days}

        runs = beat(clock, midnight, midnight + timedelta(days=3, hours=2))

        assert started(runs, PARIS) == expected
        # Each day's charge billed once, by the run of its own day.
        for day, run in zip(days, runs, strict=True):
            charge = Charge.objects.get(pk=charges[day].pk)
            assert charge.state == Charge.State.BILLED
            assert charge.request == run.documents.get().request


def test_the_run_time_of_a_skipped_or_repeated_hour_is_one_real_instant():
    settings = AutoInvoicing(cycle=Cycle.DAILY, hour=2)
    assert calendar.run_time(settings, date(2026, 3, 29), PARIS) == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC
    )  # 03:00 in summer time, just after the gap
    assert calendar.run_time(settings, date(2026, 10, 25), PARIS) == datetime(
        2026, 10, 25, 0, 0, tzinfo=UTC
    )  # the first 02:00 (summer time)


# Monthly and weekly ----------------------------------------------------------------------


def run_days(settings: AutoInvoicing, first: date, last: date) -> list[date]:
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if calendar.runs_on(settings, day)]


def test_monthly_on_the_31st_runs_on_each_months_last_day():
    settings = AutoInvoicing(cycle=Cycle.MONTHLY, month_day=31)
    assert run_days(settings, date(2026, 2, 1), date(2026, 4, 30)) == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    assert run_days(settings, date(2028, 2, 1), date(2028, 2, 29)) == [date(2028, 2, 29)]


def test_monthly_on_the_30th_runs_on_the_28th_of_february():
    settings = AutoInvoicing(cycle=Cycle.MONTHLY, month_day=30)
    assert run_days(settings, date(2026, 2, 1), date(2026, 4, 30)) == [
        date(2026, 2, 28),
        date(2026, 3, 30),
        date(2026, 4, 30),
    ]


def test_monthly_on_the_31st_scheduled_from_february_to_april(alpha, clock):
    start = datetime(2026, 2, 1, tzinfo=PARIS)
    with schema_context(alpha.schema_name):
        account_in(alpha, "Europe/Paris", clock, start, cycle=Cycle.MONTHLY, month_day=31, hour=9)
        settings = AutoInvoicing.current()
        assert calendar.next_run(settings, start, PARIS) == datetime(2026, 2, 28, 9, tzinfo=PARIS)

        runs = beat(clock, start, datetime(2026, 5, 1, tzinfo=PARIS), every=timedelta(hours=1))

        assert started(runs, PARIS) == [
            "02-28 at 09:00 +0100",
            "03-31 at 09:00 +0200",
            "04-30 at 09:00 +0200",
        ]
        leap = datetime(2028, 2, 1, tzinfo=PARIS)
        assert calendar.next_run(settings, leap, PARIS) == datetime(2028, 2, 29, 9, tzinfo=PARIS)


def test_weekly_runs_on_the_chosen_weekday_only(alpha, clock):
    start = datetime(2026, 6, 1, tzinfo=PARIS)  # a Monday
    with schema_context(alpha.schema_name):
        account_in(
            alpha, "Europe/Paris", clock, start, cycle=Cycle.WEEKLY, weekday=Weekday.THURSDAY
        )
        runs = beat(clock, start, start + timedelta(days=21), every=timedelta(hours=1))
    assert [run.period for run in runs] == [date(2026, 6, 4), date(2026, 6, 11), date(2026, 6, 18)]
    assert {run.period.weekday() for run in runs} == {Weekday.THURSDAY}


# When it was switched on, and when the worker was down -------------------------------------


def test_no_run_for_a_period_that_began_before_the_cycle_was_switched_on(alpha, clock):
    switched_on = datetime(2026, 6, 3, 10, tzinfo=PARIS)  # an hour after today's run time
    with schema_context(alpha.schema_name):
        account_in(alpha, "Europe/Paris", clock, switched_on, cycle=Cycle.DAILY, hour=9)
        a_charge(a_client("Ann Lee"), "10.00", date(2026, 6, 1))

        runs = beat(clock, switched_on, datetime(2026, 6, 4, 12, tzinfo=PARIS))

        assert started(runs, PARIS) == ["06-04 at 09:00 +0200"]
        assert Charge.objects.get().state == Charge.State.BILLED  # an older charge, billed then


@pytest.mark.parametrize(
    ("back_at", "caught_up"),
    [
        # Back after today's hour: one run, for today, billing what the missed days left.
        (datetime(2026, 6, 5, 15, tzinfo=PARIS), date(2026, 6, 5)),
        # Back before today's hour: one run for yesterday now, today's at its hour.
        (datetime(2026, 6, 5, 7, tzinfo=PARIS), date(2026, 6, 4)),
    ],
)
def test_missed_periods_are_caught_up_once_and_nothing_due_is_skipped(
    alpha, clock, back_at, caught_up
):
    switched_on = datetime(2026, 6, 1, tzinfo=PARIS)
    with schema_context(alpha.schema_name):
        account_in(alpha, "Europe/Paris", clock, switched_on, cycle=Cycle.DAILY, hour=9)
        ann, bob = a_client("Ann Lee"), a_client("Bob Ray")
        for day in range(1, 7):  # a charge due on each day from 1 to 6 June
            a_charge(ann, "10.00", date(2026, 6, day))
            a_charge(bob, "20.00", date(2026, 6, day))
        first = beat(clock, switched_on, datetime(2026, 6, 2, 8, tzinfo=PARIS))
        assert [run.period for run in first] == [date(2026, 6, 1)]
        # The worker is down from 2 June 08:00 until ``back_at``: no tick at all.

        runs = beat(clock, back_at, datetime(2026, 6, 6, 12, tzinfo=PARIS))

        expected = [caught_up, date(2026, 6, 5), date(2026, 6, 6)]
        assert [run.period for run in runs] == sorted(set(expected))
        catch_up = runs[0]
        assert {d.charges for d in catch_up.documents.all()} == {(caught_up.day - 1)}
        assert not Charge.objects.filter(state=Charge.State.UNBILLED).exists()
        # Once each: every charge is on exactly one document, and each client has one
        # document per run.
        assert Charge.objects.filter(request__isnull=True).count() == 0
        for run in [*first, *runs]:
            assert sorted(run.documents.values_list("client_id", flat=True)) == [ann.pk, bob.pk]


# Far from Paris ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("time_zone", "hour", "start", "expected"),
    [
        # 09:00 in Auckland is the evening before in UTC: the period is Auckland's day.
        ("Pacific/Auckland", 9, datetime(2026, 6, 9, tzinfo=UTC), ["06-10 at 09:00 +1200"]),
        # 23:00 in Los Angeles is the next morning in UTC: the period is still LA's day.
        ("America/Los_Angeles", 23, datetime(2026, 6, 10, tzinfo=UTC), ["06-09 at 23:00 -0700"]),
    ],
)
def test_an_account_far_away_runs_at_its_own_local_hour(
    alpha, clock, time_zone, hour, start, expected
):
    with schema_context(alpha.schema_name):
        account_in(alpha, time_zone, clock, start, cycle=Cycle.DAILY, hour=hour)
        runs = beat(clock, start, start + timedelta(days=1))
    assert started(runs, ZoneInfo(time_zone)) == expected


def test_tick_starts_each_days_run_and_its_worker_bills_it(
    alpha, clock, monkeypatch, django_capture_on_commit_callbacks
):
    """The whole tick, as beat queues it every five minutes; the run it starts is queued
    after its commit and processed by the worker (here, at once)."""
    monkeypatch.setattr(tasks.process_run, "delay", lambda *args: tasks.process_run.apply(args))
    start = datetime(2026, 3, 28, 12, tzinfo=PARIS)
    with schema_context(alpha.schema_name):
        account_in(alpha, "Europe/Paris", clock, start, cycle=Cycle.DAILY, hour=2)
        ann = a_client("Ann Lee")
        a_charge(ann, "10.00", date(2026, 3, 29))
        a_charge(ann, "12.00", date(2026, 3, 30))
    reports = []
    for at in moments(start, datetime(2026, 3, 30, 12, tzinfo=PARIS), FIVE_MINUTES):
        clock.set(at)
        with django_capture_on_commit_callbacks(execute=True):
            reports.append(tasks.tick(alpha.schema_name))
    started_runs = [report["started"] for report in reports if report["started"]]
    with schema_context(alpha.schema_name):
        runs = list(InvoicingRun.objects.filter(pk__in=started_runs).order_by("period"))
        assert started(runs, PARIS) == ["03-29 at 03:00 +0200", "03-30 at 02:00 +0200"]
        assert {run.status for run in runs} == {InvoicingRun.Status.FINISHED}
        assert [run.documents.get().amount for run in runs] == [10, 12]
