"""Issue 16's PDF figures: invoices of 20 lines printed per second by one worker process, and
by a worker of two processes on two cores (the issue's goal).

Each page is what ``render_document_pdf`` does for a version it has not printed yet: load the
request with its lines and taxes, render its HTML in the client's language, hash it, lay it
out with WeasyPrint (``billing_saas/pdf.py``); only writing the file is left out (the
storage's, not ours). In this process, one page after the other: one worker process; then
two forked processes at once: a worker on two cores. The ceiling is WeasyPrint laying out a
page with one line of text, the engine's fixed cost.

The invoice is created on the small measured account and deleted at the end: the other
figures' data stays as they expect it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone
from django_tenants.utils import tenant_context

from bench.report import Figure, Goal, Samples
from tenants.models import Tenant

LINES = 20
GOAL = 10.0  # pages a second, the goal for a worker on two cores
# One process is half that worker: its share of the goal (the figure shows where time goes).
PER_PROCESS = GOAL / 2
_STARTED = timezone.now()


def pages_at_least(minimum: float) -> Goal:
    return Goal(
        f"≥ {minimum:g} pages/s",
        lambda figure: figure.value.median >= minimum,
        lambda figure: f"{figure.value.median / figure.ceiling.median:.2f}",
    )


def figures(tenant: Tenant, rounds: int, seconds: float,
            say: Callable[[str], None]) -> list[Figure]:  # fmt: skip
    say(f"PDFs: a {LINES}-line invoice printed by one process, by two, beside a one-line page")
    with tenant_context(tenant):
        pk = _invoice(tenant)
        try:
            return _measure(pk, rounds, seconds, say)
        finally:
            _delete(pk)


def _measure(pk: int, rounds: int, seconds: float, say) -> list[Figure]:
    from billing_saas import pdf as engine
    from payment_requests.services import pdfs

    trivial = engine.Printable("unused.html", {}, language="en")

    def invoice() -> None:
        version = pdfs.current_version("invoice", pk)
        engine.render_pdf(version.printed.printable, version.html)

    def one_line() -> None:
        engine.render_pdf(trivial, "<p>Invoice</p>")

    pages = pdf_text_pages(pk)
    if pages != 1:
        raise RuntimeError(f"the {LINES}-line invoice printed on {pages} pages, not 1")
    one, two, ceiling = [], [], []
    for run in (invoice, one_line):  # warm-up: fonts, templates, imports
        _rate(run, 1)
    for number in range(1, rounds + 1):
        one.append(_rate(invoice, seconds))
        two.append(_in_two_processes(invoice, seconds))
        ceiling.append(_rate(one_line, seconds))
        say(f"  PDFs round {number}/{rounds}: one process {one[-1]:.1f}, two {two[-1]:.1f}, "
            f"one-line page {ceiling[-1]:.1f} pages/s")  # fmt: skip
    trivial_page = "WeasyPrint, a one-line page, one process"
    return [
        Figure(f"invoice PDFs, {LINES} lines, one worker process", Samples(one, "pages/s"),
               pages_at_least(PER_PROCESS), Samples(ceiling, "pages/s"), trivial_page),
        Figure(f"invoice PDFs, {LINES} lines, a worker of 2 processes", Samples(two, "pages/s"),
               pages_at_least(GOAL), Samples(ceiling, "pages/s"), trivial_page),
    ]  # fmt: skip


def _in_two_processes(run: Callable[[], None], seconds: float) -> float:
    """Pages a second of two forked processes printing at once (each its own connection)."""
    import multiprocessing

    from django.db import connections

    global _JOB
    _JOB = run  # forked, not pickled: the children find it here
    context = multiprocessing.get_context("fork")
    results = context.SimpleQueue()
    connections.close_all()  # a forked child must not share the parent's socket
    children = [context.Process(target=_child, args=(seconds, results)) for _ in range(2)]
    for child in children:
        child.start()
    rates = [results.get() for _ in children]
    for child in children:
        child.join()
    return sum(rates)


_JOB: Callable[[], None] | None = None


def _child(seconds: float, results) -> None:
    results.put(_rate(_JOB, seconds))


def pdf_text_pages(pk: int) -> int:
    import io

    from pypdf import PdfReader

    from billing_saas import pdf as engine
    from payment_requests.services import pdfs

    version = pdfs.current_version("invoice", pk)
    data = engine.render_pdf(version.printed.printable, version.html)
    return len(PdfReader(io.BytesIO(data)).pages)


def _rate(run: Callable[[], None], seconds: float) -> float:
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        run()
        done += 1
    return done / elapsed


def _invoice(tenant: Tenant) -> int:
    from clients.models import Client
    from payment_requests.models import TaxRate
    from payment_requests.services import create_request
    from payment_requests.services.lines import LineDraft
    from tenants.members.models import User

    gst = TaxRate.objects.create(name="GST", rate=Decimal("5"))
    qst = TaxRate.objects.create(name="QST", rate=Decimal("9.975"))
    lines = [
        LineDraft(f"Design work, week {i + 1}", Decimal("1.5") + i, Decimal("80"),
                  Decimal("5") if i % 4 == 0 else None, (gst, qst) if i % 3 else (gst,))
        for i in range(LINES)
    ]  # fmt: skip
    item = create_request(  # committed: the forked processes read it
        actor=User.objects.get(email=tenant.owner_email),
        description="Bench: a 20-line invoice",
        client=Client.objects.order_by("pk").first(),
        currency="CAD",
        due_date=timezone.localdate() + timezone.timedelta(days=14),
        lines=lines,
    )
    return item.pk


def _delete(pk: int) -> None:
    from payment_requests.models import PaymentRequest, TaxRate

    PaymentRequest.objects.filter(pk=pk).delete()
    TaxRate.objects.filter(name__in=("GST", "QST"), created_at__gte=_STARTED).delete()
