"""``make bench`` / ``python -m bench [--rounds 3] [--seconds 5] [--migrate-rounds 1]
[--only pdfs|quotes|cycles]``."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
ACCOUNT_SCHEMAS = 1000
STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"\033[1;35m[bench {time.monotonic() - STARTED:5.0f}s]\033[0m {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="rounds per figure")
    parser.add_argument("--seconds", type=float, default=5, help="seconds per round")
    parser.add_argument(
        "--migrate-rounds", type=int, default=1, help="runs of migrate_schemas (0: skip it)"
    )
    parser.add_argument(
        "--only",
        choices=["pdfs", "quotes", "cycles"],
        help="only these figures (pdfs, quotes, cycles: need no server nor wrk)",
    )
    options = parser.parse_args(argv)

    sys.path.insert(0, str(BASE_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    emulator = _start_stripe_emulator()
    import django

    say("starting the bench's embedded PostgreSQL and Redis (.data/bench) and Django")
    django.setup()
    try:
        return _run(options, emulator)
    finally:
        emulator.stop()


def _start_stripe_emulator():
    """The offline Stripe emulator, in this process, for the connections and the worker."""
    from billing_saas.embedded_services import free_port
    from emulators.stripe.server import StripeEmulator, app_settings

    data_dir = Path(os.environ.get("DATA_DIR", BASE_DIR / ".data" / "bench"))
    data_dir.mkdir(parents=True, exist_ok=True)
    emulator = StripeEmulator(port=free_port(), state_file=data_dir / "stripe-emulator.json")
    os.environ.update(app_settings(emulator.start().url))
    return emulator


def _run(options, emulator) -> int:
    from django.conf import settings
    from django.db import connection as db

    from bench import cycles, figures, load, pdfs, quotes, report, schemas, seed, servers

    env = {
        **os.environ,
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
        "DATA_DIR": str(settings.DATA_DIR),
        "PYTHONUNBUFFERED": "1",
    }
    say("applying migrations new since the last run")
    schemas.migrate_bench_schemas()
    if options.only:
        return _in_process_only(options, emulator)
    wrk = load.wrk_version()
    say("seeding: an account with 10,000 requests and clients, one with 10")
    large, _ = seed.data_account(schemas.MEASURED[0], 10_000)
    small, hooks_connection = seed.data_account(schemas.MEASURED[1], 10)
    say(f"seeding: {ACCOUNT_SCHEMAS:,} account schemas in all")
    hosts = schemas.ensure_account_schemas(ACCOUNT_SCHEMAS, settings.DATABASE_URL, say)
    work_dir = Path(settings.DATA_DIR) / "load"
    work_dir.mkdir(parents=True, exist_ok=True)
    hosts_file = work_dir / "hosts.txt"
    hosts_file.write_text("\n".join(hosts) + "\n")
    _forget_earlier_events(small)

    with db.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    machine = report.machine(
        postgres, {"gunicorn": f"{servers.WEB_WORKERS} sync workers", "load": wrk}
    )
    say("machine: " + ", ".join(f"{name} {value}" for name, value in machine.items()))
    found = []
    with (
        servers.gunicorn(env, "bench.settings") as web,
        servers.gunicorn(env, "bench.settings_untenanted") as untenanted,
    ):
        bench = figures.Bench(
            env=env,
            web=web,
            untenanted=untenanted,
            large=large,
            small=small,
            cookies={tenant.slug: seed.session_cookie(tenant) for tenant in (large, small)},
            hooks=small,
            hooks_account_id=hooks_connection.remote_account_id,
            hosts_file=hosts_file,
            work_dir=work_dir,
            rounds=options.rounds,
            seconds=options.seconds,
            say=say,
        )
        _check_pages_answer(bench)
        found += figures.dashboard(bench)
        found.append(figures.statements(bench))
        accepted = figures.webhooks(bench)
        found.append(accepted)
        found.append(figures.routing(bench))
    found.append(figures.worker(bench, accepted))
    found += pdfs.figures(small, options.rounds, options.seconds, say)
    found += quotes.figures(small, options.rounds, options.seconds, say)
    found += cycles.figures(options.rounds, say, emulator)
    if options.migrate_rounds:
        found.append(figures.migrate(bench, len(hosts) + 2, options.migrate_rounds))

    print()
    print("Machine: " + ", ".join(f"{name}: {value}" for name, value in machine.items()))
    print(f"Rounds: {options.rounds} × {options.seconds:g} s per figure, after a 1 s warm-up")
    print()
    print(report.table(found))
    print()
    say("done")
    return 0 if all(figure.met for figure in found) else 1


def _in_process_only(options, emulator) -> int:
    """``--only pdfs``, ``quotes`` or ``cycles``: figures measured in this process."""
    from bench import cycles, pdfs, quotes, report, schemas, seed

    if options.only == "cycles":
        found = cycles.figures(options.rounds, say, emulator)
    else:
        small, _ = seed.data_account(schemas.MEASURED[1], 10)
        module = {"pdfs": pdfs, "quotes": quotes}[options.only]
        found = module.figures(small, options.rounds, options.seconds, say)
    print()
    print(f"Machine: {report.machine('-')}")
    print(report.table(found))
    return 0 if all(figure.met for figure in found) else 1


def _forget_earlier_events(tenant) -> None:
    """Runs start from the same state: earlier runs' events and queued tasks are dropped."""
    from django_tenants.utils import schema_context

    from bench.deliveries import EVENT_PREFIX, INVOICE_PREFIX
    from billing_saas.celery import app
    from connectors.models import InboundEvent, RemoteObject

    app.control.purge()
    with schema_context(tenant.schema_name):
        InboundEvent.objects.filter(event_id__startswith=EVENT_PREFIX).delete()
        RemoteObject.objects.filter(remote_id__startswith=INVOICE_PREFIX).delete()


def _check_pages_answer(bench) -> None:
    """Each page answers 200 before it is measured (a redirect to sign-in would measure the
    sign-in page), and the untenanted stack really runs without the tenant middleware."""
    from django.conf import settings
    from django.urls import reverse

    from bench import servers
    from bench.settings_untenanted import MIDDLEWARE as UNTENANTED

    if len(UNTENANTED) != len(settings.MIDDLEWARE) - 1:
        raise RuntimeError("bench.settings_untenanted did not remove the tenant middleware")
    page = reverse("payment_requests:dashboard", urlconf="bench.urls_tenant")
    for tenant in (bench.large, bench.small):
        headers = {"Host": tenant.host, "Cookie": bench.cookies[tenant.slug]}
        status, body = servers.get(bench.web, page, headers)
        if status != 200 or b'data-request="' not in body:
            raise RuntimeError(f"{tenant.host}{page} answered {status}, not the dashboard")


if __name__ == "__main__":
    sys.exit(main())
