"""The runs of automated invoicing: the list, one run's documents, Run now and Retry.

Everyone with Client Billing sees them; starting a run and retrying a document, which bill and
message clients, are for billing administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, Q, Sum, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from auto_invoicing import cycle
from auto_invoicing.models import AutoInvoicing, Channel, InvoicingRun, Mode, RunDocument
from billing_saas.refusals import ActionRefused
from payment_requests.access import billing_access_required
from tenants.members.permissions import billing_admin_required
from tenants.schema import on_commit_here

RUNS_PER_PAGE = 20
DOCUMENTS_PER_PAGE = 50
State = RunDocument.State


def _with_totals(runs) -> None:
    """Each run's totals per currency (``run.totals``: [(currency, amount)]), in one query."""
    totals: dict[int, list] = {run.pk: [] for run in runs}
    rows = (
        RunDocument.objects.filter(run__in=runs)
        .values("run_id", "currency")
        .annotate(total=Sum("amount"))
        .order_by("run_id", "currency")
    )
    for row in rows:
        totals[row["run_id"]].append((row["currency"], row["total"]))
    for run in runs:
        run.totals = totals[run.pk]


def by_channel(channel: str) -> str:
    """ "by email", "by SMS"…: how clients are told, in a sentence."""
    return {
        Channel.EMAIL: _("by email"),
        Channel.SMS: _("by SMS"),
        Channel.BOTH: _("by email and SMS"),
    }[channel]


def run_now_warning(settings: AutoInvoicing) -> str:
    """What Run now does with the current settings, for its confirmation."""
    channel = by_channel(settings.channel)
    if settings.mode == Mode.DRAFT:
        return _(
            "Every client with due, unbilled charges gets a draft invoice of them, for you to "
            "review and confirm. Nobody is told until you confirm a draft."
        )
    if settings.mode == Mode.INVOICES:
        return _(
            "Every client with due, unbilled charges is sent one invoice for them now, %(channel)s."
        ) % {"channel": channel}
    return _(
        "Every client with due, unbilled charges is sent one payment link for their total now, "
        "%(channel)s. No invoice is created."
    ) % {"channel": channel}


@billing_access_required
@require_GET
def run_list(request):
    rows = (
        InvoicingRun.objects.select_related("started_by")
        .annotate(
            clients=Count("documents__client", distinct=True),
            failures=Count("documents", filter=Q(documents__state=State.FAILED)),
        )
        .order_by("-started_at", "-pk")
    )
    page = Paginator(rows, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    runs = list(page.object_list)
    _with_totals(runs)
    settings = AutoInvoicing.current()
    context = {
        "page": page,
        "runs": runs,
        "settings": settings,
        "running": any(run.status == InvoicingRun.Status.RUNNING for run in runs),
        "run_now_warning": run_now_warning(settings),
    }
    return render(request, "auto_invoicing/runs.html", context)


def _progress(run: InvoicingRun, counts: dict[str, int]) -> dict:
    """How far a run has gone: clients dealt with (drafted, sent, failed or withdrawn) out of
    those it has billed or will bill."""
    made = sum(counts.values())
    waiting = 0
    if run.status == InvoicingRun.Status.RUNNING:
        waiting = cycle.due_charges(run).values("client_id", "currency").distinct().count()
    return {"done": made - counts.get(State.BILLED, 0), "total": made + waiting}


@billing_access_required
@require_GET
def run_detail(request, pk):
    run = get_object_or_404(InvoicingRun.objects.select_related("started_by"), pk=pk)
    failed_first = Case(When(state=State.FAILED, then=0), default=1)
    documents = (
        RunDocument.objects.filter(run=run)
        .select_related("client", "request")
        .order_by(failed_first, "client__name", "client_id", "currency")
    )
    page = Paginator(documents, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    counts = dict(
        RunDocument.objects.filter(run=run)
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    _with_totals([run])
    context = {
        "run": run,
        "page": page,
        "counts": counts,
        "failed": counts.get(State.FAILED, 0),
        "progress": _progress(run, counts),
        "running": run.status == InvoicingRun.Status.RUNNING,
        "channel": by_channel(run.channel),
    }
    return render(request, "auto_invoicing/run.html", context)


@billing_admin_required
@billing_access_required
@require_POST
def run_now(request):
    try:
        run = cycle.start_manual_run(request.user)
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect("auto_invoicing:runs")
    messages.success(
        request,
        _("Run started. This page follows it; you can leave it, the run goes on."),
    )
    return redirect("auto_invoicing:run", pk=run.pk)


@billing_admin_required
@billing_access_required
@require_POST
def retry_document(request, pk, document_pk):
    document = get_object_or_404(RunDocument, pk=document_pk, run_id=pk)
    if document.state != State.FAILED:
        messages.info(request, _("This document is not waiting for a retry."))
        return redirect("auto_invoicing:run", pk=pk)
    document = cycle.retry(document.pk)
    if document.state == State.FAILED:
        messages.error(
            request,
            _("Still not sent to %(client)s: %(reason)s")
            % {"client": document.client, "reason": document.error},
        )
    else:
        messages.success(request, _("Sent to %(client)s.") % {"client": document.client})
    return redirect("auto_invoicing:run", pk=pk)


@billing_admin_required
@billing_access_required
@require_POST
def retry_failed(request, pk):
    """Every failed document of the run, tried again by the worker (each is a platform call)."""
    run = get_object_or_404(InvoicingRun, pk=pk)
    failed = RunDocument.objects.filter(run=run, state=State.FAILED).count()
    if not failed:
        messages.info(request, _("No document of this run is waiting for a retry."))
        return redirect("auto_invoicing:run", pk=pk)
    schema_name = request.tenant.schema_name

    def queue():
        from auto_invoicing.tasks import retry_run

        retry_run.delay(schema_name, run.pk)

    on_commit_here(queue)
    messages.success(
        request,
        ngettext(
            "Retrying %(count)s document. Refresh this page in a moment to see how it went.",
            "Retrying %(count)s documents. Refresh this page in a moment to see how they went.",
            failed,
        )
        % {"count": failed},
    )
    return redirect("auto_invoicing:run", pk=pk)
