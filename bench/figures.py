"""Each figure of issue 12, measured: value and ceiling rounds alternate, so a slow moment of
the machine weighs on both alike."""

from __future__ import annotations

import math
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.db import connection as db
from django.db.models import Count, Max, Min
from django.test import Client as TestClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import schema_context

from bench import deliveries, load
from bench.report import (
    Figure,
    Samples,
    constant_and_at_most,
    extra_at_most,
    ratio_at_least,
    value_at_most,
)
from bench.servers import BASE_DIR, WEB_WORKERS
from tenants.models import Tenant


@dataclass
class Bench:
    """What every measurement needs: servers, accounts, rounds and where to say progress."""

    env: dict[str, str]
    web: str  # the product's stack (bench.settings)
    untenanted: str  # the same without the tenant middleware
    large: Tenant
    small: Tenant
    cookies: dict[str, str]  # signed-in session cookie per account slug
    hooks: Tenant
    hooks_account_id: str
    hosts_file: Path
    work_dir: Path
    rounds: int = 3
    seconds: float = 5
    say: Callable[[str], None] = print
    accepted_by_round: dict[str, int] = field(default_factory=dict)


def _tenant_path(name: str) -> str:
    return reverse(name, urlconf="bench.urls_tenant")


def _public_path(name: str) -> str:
    return reverse(name, urlconf="bench.urls_public")


def _alternate(bench: Bench, what: str, runs: dict[str, Callable[[], float]]) -> dict:
    """Rounds of each run in turn after a short warm-up of each; samples by run name."""
    for run in runs.values():
        run(warm_up=True)
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for number in range(1, bench.rounds + 1):
        for name, run in runs.items():
            samples[name].append(run())
        latest = ", ".join(f"{name} {values[-1]:,.1f}" for name, values in samples.items())
        bench.say(f"  {what} round {number}/{bench.rounds}: {latest}")
    return samples


def _page_run(bench: Bench, tenant: Tenant, path: str) -> Callable[..., float]:
    headers = {"Host": tenant.host, "Cookie": bench.cookies[tenant.slug]}

    def run(warm_up: bool = False) -> float:
        seconds = 1 if warm_up else bench.seconds
        return load.run(bench.web + path, seconds, headers=headers).per_second

    return run


def dashboard(bench: Bench) -> list[Figure]:
    bench.say("dashboard: 10,000 rows, its bare-view ceiling, and 10 rows")
    page, bare = _tenant_path("payment_requests:dashboard"), _tenant_path("bench_bare")
    samples = _alternate(
        bench,
        "req/s",
        {
            "10k": _page_run(bench, bench.large, page),
            "bare": _page_run(bench, bench.large, bare),
            "10": _page_run(bench, bench.small, page),
        },
    )
    large = Samples(samples["10k"], "req/s")
    return [
        Figure(
            f"`{page}` with 10,000 requests and clients",
            large,
            ratio_at_least(0.25),
            Samples(samples["bare"], "req/s"),
            "bare view, same stack",
        ),
        Figure(
            f"`{page}` with 10,000 rows vs with 10",
            large,
            ratio_at_least(0.8),
            Samples(samples["10"], "req/s"),
            "10 requests, 10 clients",
        ),
    ]


def statements(bench: Bench) -> Figure:
    """SQL statements of one dashboard page, in-process, ``SET search_path`` included."""
    bench.say("SQL statements per dashboard page")
    page = _tenant_path("payment_requests:dashboard")
    counts = {}
    for tenant in (bench.large, bench.small):
        browser = TestClient(HTTP_HOST=tenant.host)
        name, value = bench.cookies[tenant.slug].split("=", 1)
        browser.cookies[name] = value
        # The first page after a start fills per-process caches: said, not counted. Each page
        # is the first after a change (the dashboard keeps what it rendered until one), so
        # the list, its count and the totals are read every time.
        counts[tenant.slug] = [
            _statements(browser, tenant, page, after_a_change=True) for _ in range(bench.rounds + 1)
        ]
        bench.say(
            f"  {tenant.slug}: {counts[tenant.slug][0]} statements on the first page, then "
            + ", ".join(str(count) for count in counts[tenant.slug][1:])
        )
    db.set_schema_to_public()
    return Figure(
        "SQL statements per dashboard page, 10,000 rows",
        Samples(counts[bench.large.slug][1:], "statements"),
        constant_and_at_most(12),
        Samples(counts[bench.small.slug][1:], "statements"),
        "same page, 10 rows",
    )


def _statements(browser: TestClient, tenant: Tenant, page: str, after_a_change=False) -> int:
    if after_a_change:
        from payment_requests import live

        with schema_context(tenant.schema_name):
            live.changed()
    db.set_schema_to_public()
    with CaptureQueriesContext(db) as queries:
        response = browser.get(page)
    if response.status_code != 200:
        raise load.LoadError(f"{tenant.host}{page} answered {response.status_code}")
    return len(queries.captured_queries)


def webhooks(bench: Bench) -> Figure:
    bench.say("signed Stripe webhooks accepted, beside a bare POST view")
    endpoint = reverse("stripe_webhook", args=["test"], urlconf="bench.urls_public")
    bare_file = deliveries.write(bench.work_dir / "bare.txt", bench.hooks_account_id, "bare", 2000)
    ceiling: list[float] = []

    def bare(warm_up: bool = False) -> float:
        rate = _post(bench, _public_path("bench_bare_post"), bare_file, warm_up).per_second
        ceiling.append(rate)
        return rate

    def signed(warm_up: bool = False) -> float:
        # Never fewer deliveries than the bare view could take: each must be a new event.
        count = math.ceil(max(ceiling) * bench.seconds * 1.5) + 500
        tag = "warm" if warm_up else f"w{len(bench.accepted_by_round)}"
        path = deliveries.write(bench.work_dir / "signed.txt", bench.hooks_account_id, tag, count)
        round_ = _post(bench, endpoint, path, warm_up)
        if round_.requests > count:
            raise load.LoadError("wrk ran out of distinct deliveries; raise their number")
        if not warm_up:
            bench.accepted_by_round[tag] = round_.requests
        return round_.per_second

    samples = _alternate(bench, "events/s", {"bare": bare, "signed": signed})
    return Figure(
        "signed Stripe webhooks accepted",
        Samples(samples["signed"], "events/s"),
        ratio_at_least(0.6),
        Samples(samples["bare"], "events/s"),
        "bare POST view, same bodies",
    )


def _post(bench: Bench, path: str, deliveries_file: Path, warm_up: bool) -> load.Round:
    """POSTs the file's deliveries in turn to ``path`` on the root domain."""
    return load.run(
        bench.web + path,
        1 if warm_up else bench.seconds,
        script="webhooks.lua",
        script_args=[str(deliveries_file), "localhost", path],
    )


def worker(bench: Bench, accepted: Figure, timeout: float = 900) -> Figure:
    """A Celery worker applies what the webhook rounds stored; its rate per round comes from
    the events' own ``processed_at`` (first to last), so its start-up is not counted."""
    from bench.servers import celery_worker
    from connectors.models import InboundEvent

    total = sum(bench.accepted_by_round.values())
    bench.say(f"worker: applying the {total:,} stored events ({WEB_WORKERS} processes)")
    with schema_context(bench.hooks.schema_name):
        events = InboundEvent.objects.filter(event_id__startswith=deliveries.EVENT_PREFIX)
        with celery_worker(bench.env) as process:
            deadline = time.monotonic() + timeout
            while events.filter(processed_at__isnull=True).exists():
                if process.poll() is not None:
                    raise load.LoadError(f"the worker stopped (exit code {process.returncode})")
                if time.monotonic() > deadline:
                    raise load.LoadError("the worker did not apply every event in time")
                time.sleep(1)
        rates = []
        for tag in bench.accepted_by_round:
            span = events.filter(event_id__startswith=f"{deliveries.EVENT_PREFIX}{tag}_")
            stats = span.aggregate(
                n=Count("pk"), first=Min("processed_at"), last=Max("processed_at")
            )
            seconds = (stats["last"] - stats["first"]) / timedelta(seconds=1)
            rates.append((stats["n"] - 1) / seconds if seconds else 0.0)
        outcomes = dict(events.values_list("outcome").annotate(n=Count("pk")))
    db.set_schema_to_public()
    bench.say(
        f"  events/s by round: {', '.join(f'{rate:,.1f}' for rate in rates)}; outcomes {outcomes}"
    )
    return Figure(
        "worker: events applied",
        Samples(rates, "events/s"),
        ratio_at_least(1.0),
        accepted.value,
        "webhooks accepted",
        notes=[f"outcomes: {outcomes}"],
    )


def routing(bench: Bench) -> Figure:
    """Milliseconds per request of one connection, the bare view on 1,000 accounts' hosts in
    turn, with and without the tenant middleware."""
    bench.say("tenant routing overhead (one connection, hosts of every account in turn)")
    path = _tenant_path("bench_bare")

    def run_on(base: str) -> Callable[..., float]:
        def run(warm_up: bool = False) -> float:
            seconds = 1 if warm_up else bench.seconds
            round_ = load.run(
                base + path,
                seconds,
                script="hosts.lua",
                connections=1,
                script_args=[str(bench.hosts_file), path],
            )
            return 1000 / round_.per_second

        return run

    samples = _alternate(
        bench, "ms/request", {"tenant": run_on(bench.web), "untenanted": run_on(bench.untenanted)}
    )
    return Figure(
        "tenant routing per request, 1,000 account schemas",
        Samples(samples["tenant"], "ms"),
        extra_at_most(1, "ms"),
        Samples(samples["untenanted"], "ms"),
        "no tenant middleware",
    )


def migrate(bench: Bench, schemas: int, rounds: int = 1) -> Figure:
    bench.say(f"migrate_schemas, nothing to apply, {schemas:,} account schemas in parallel")
    seconds = []
    for number in range(1, rounds + 1):
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "migrate_schemas",
                "--executor",
                "multiprocessing",
                "-v",
                "0",
            ],
            cwd=BASE_DIR,
            env={**bench.env, "DJANGO_SETTINGS_MODULE": "bench.settings"},
            check=True,
        )
        seconds.append(time.monotonic() - started)
        bench.say(f"  round {number}/{rounds}: {seconds[-1]:.1f} s")
    return Figure(
        f"`migrate_schemas`, nothing to apply, {schemas:,} schemas, parallel",
        Samples(seconds, "s"),
        value_at_most(300, "s"),
    )
