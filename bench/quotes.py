"""Issue 16's quote figures: a 500-line quote's totals computed and saved with a constant
number of SQL statements, and how long that takes.

Each save is ``quotes.services.create_quote`` (lines priced by ``payment_requests/totals.py``,
the quote, its lines and their taxes written), in a transaction rolled back afterwards: the
bench's data stays as the other figures expect it. The ceiling is the same quote with 5 lines:
the statements must be the same number (only the rows differ), and the time is what 495 more
lines cost. Statements are counted in this process, ``SAVEPOINT`` included.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from bench.report import Figure, Goal, Samples, constant_and_at_most
from tenants.models import Tenant

LINES, FEW = 500, 5
MAX_STATEMENTS = 20
MAX_SECONDS = 0.5  # a 500-line quote saved within half a second


class _RolledBack(Exception):
    pass


def saved_within(maximum: float) -> Goal:
    return Goal(
        f"≤ {maximum * 1000:g} ms",
        lambda figure: figure.value.median <= maximum * 1000,
        lambda figure: f"×{figure.value.median / figure.ceiling.median:.1f}",
    )


def figures(tenant: Tenant, rounds: int, seconds: float,
            say: Callable[[str], None]) -> list[Figure]:  # fmt: skip
    say(f"Quotes: a {LINES}-line quote computed and saved, beside a {FEW}-line one")
    with tenant_context(tenant):
        from payment_requests.models import TaxRate

        rates = (TaxRate.objects.create(name="GST", rate=Decimal("5")),
                 TaxRate.objects.create(name="QST", rate=Decimal("9.975")))  # fmt: skip
        try:
            return _measure(_saver(tenant, rates), rounds, seconds, say)
        finally:
            TaxRate.objects.filter(pk__in=[rate.pk for rate in rates]).delete()


def _measure(save, rounds: int, seconds: float, say) -> list[Figure]:
    many, few, many_ms, few_ms = [], [], [], []
    save(FEW), save(LINES)  # warm-up: imports, the client and tax rates read once
    for number in range(1, rounds + 1):
        many.append(_statements(lambda: save(LINES)))
        few.append(_statements(lambda: save(FEW)))
        many_ms.append(_milliseconds(lambda: save(LINES), seconds))
        few_ms.append(_milliseconds(lambda: save(FEW), seconds))
        say(f"  quotes round {number}/{rounds}: {many[-1]:.0f} vs {few[-1]:.0f} statements, "
            f"{many_ms[-1]:.1f} vs {few_ms[-1]:.1f} ms")  # fmt: skip
    ceiling = f"a {FEW}-line quote"
    return [
        Figure(f"SQL statements saving a {LINES}-line quote", Samples(many, "statements"),
               constant_and_at_most(MAX_STATEMENTS), Samples(few, "statements"), ceiling),
        Figure(f"time to compute and save a {LINES}-line quote", Samples(many_ms, "ms"),
               saved_within(MAX_SECONDS), Samples(few_ms, "ms"), ceiling),
    ]  # fmt: skip


def _saver(tenant: Tenant, rates: tuple) -> Callable[[int], None]:
    """``save(n)``: an n-line quote created, then rolled back."""
    from clients.models import Client
    from payment_requests.services.lines import LineDraft
    from quotes import services
    from tenants.members.models import User

    actor = User.objects.get(email=tenant.owner_email)
    client = Client.objects.order_by("pk").first()
    valid_until = services.account_today() + timedelta(days=30)
    drafts = {
        count: [
            LineDraft(
                f"Item {i + 1}",
                Decimal("1.5") + i % 7,
                Decimal("80"),
                Decimal("5") if i % 4 == 0 else None,
                rates if i % 2 else (),
            )
            for i in range(count)
        ]  # fmt: skip
        for count in (FEW, LINES)
    }

    def save(count: int) -> None:
        try:
            with transaction.atomic():
                services.create_quote(
                    actor=actor,
                    client=client,
                    currency="CAD",
                    valid_until=valid_until,
                    lines=drafts[count],
                    title=f"Bench: a {count}-line quote",
                )
                raise _RolledBack
        except _RolledBack:
            pass

    return save


def _statements(run: Callable[[], None]) -> float:
    with CaptureQueriesContext(connection) as captured:
        run()
    return float(len(captured.captured_queries))


def _milliseconds(run: Callable[[], None], seconds: float) -> float:
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        run()
        done += 1
    return elapsed / done * 1000
