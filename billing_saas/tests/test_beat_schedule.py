"""What `celery beat` really schedules: per-account reminders hourly, reconciliation every
10 minutes, each fired as one dispatcher that queues the job for every active account."""

from __future__ import annotations

import os
import shelve
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from celery import current_app
from celery.beat import Scheduler

from billing_saas.celery import app
from tenants.services import active_tenants
from tenants.tasks import dispatch_to_accounts

REMINDERS = "payment_requests.tasks.daily_schedule"
RECONCILIATION = "connectors.tasks.reconcile_connections"
DISPATCHER = "tenants.tasks.dispatch_to_accounts"


@pytest.fixture(scope="module")
def beat_entries(tmp_path_factory) -> dict:
    """The entries a real ``celery beat`` process loaded, read back from its schedule file."""
    folder = tmp_path_factory.mktemp("beat")
    schedule, log = folder / "schedule", folder / "beat.log"
    redis_url = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/15"  # nothing it sends is run
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "billing_saas", "beat", "--schedule",
         str(schedule), "--logfile", str(log), "--loglevel", "DEBUG"],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "REDIS_URL": redis_url},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (log.exists() and "Current schedule:" in log.read_text()):
            assert process.poll() is None, "celery beat stopped"
            assert time.monotonic() < deadline, "celery beat did not load its schedule"
            time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=30)
    with shelve.open(str(schedule), flag="r") as store:
        return dict(store["entries"])


def fire_times(schedule, start: datetime, hours: int) -> list[datetime]:
    """When beat would fire ``schedule`` over ``hours`` from ``start``, minute by minute."""
    clock, last_run, fired = start, start, []
    schedule.nowfun = lambda: clock
    while clock < start + timedelta(hours=hours):
        if schedule.is_due(last_run).is_due:
            fired.append(clock)
            last_run = clock
        clock += timedelta(minutes=1)
    return fired


def test_beat_fires_the_reminders_dispatcher_every_hour(beat_entries):
    entry = beat_entries[f"per-account:{REMINDERS}"]
    assert (entry.task, list(entry.args)) == (DISPATCHER, [REMINDERS])
    start = datetime(2027, 3, 28, tzinfo=UTC)  # a clock-change day in Europe: beat is in UTC
    assert fire_times(entry.schedule, start, 24) == [
        start + timedelta(hours=hour, minutes=5) for hour in range(24)
    ]


def test_beat_fires_the_reconciliation_dispatcher_every_10_minutes(beat_entries):
    entry = beat_entries[f"per-account:{RECONCILIATION}"]
    assert (entry.task, list(entry.args)) == (DISPATCHER, [RECONCILIATION])
    start = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
    assert fire_times(entry.schedule, start, 2) == [
        start + timedelta(minutes=10 * n) for n in range(1, 12)
    ]


def test_a_fired_dispatcher_queues_its_job_once_per_active_account_for_the_worker(
    beat_entries, accounts, db, running_worker, monkeypatch
):
    schemas = sorted(active_tenants().values_list("schema_name", flat=True))
    assert "t_alpha" in schemas and "t_beta" in schemas and "public" not in schemas
    registered = app.control.inspect(timeout=5).registered() or {}
    for job in (REMINDERS, RECONCILIATION):
        queued = []
        with monkeypatch.context() as patched:
            patched.setattr(
                current_app, "send_task", lambda name, args, q=queued: q.append((name, *args))
            )
            patched.setattr(  # the worker's part, played here: run the dispatcher it got
                dispatch_to_accounts,
                "apply_async",
                lambda args, kwargs, **options: dispatch_to_accounts.apply(args, kwargs),
            )
            fired = Scheduler(app, lazy=True).apply_async(beat_entries[f"per-account:{job}"])
            assert fired.get() == len(schemas)
        assert sorted(queued) == [(job, schema) for schema in schemas]
        assert any(job in names for names in registered.values())  # the worker knows it
        # ... and runs it in the account it was queued for.
        assert app.send_task(job, args=["t_alpha"]).get(timeout=60)["account"] == "alpha"
