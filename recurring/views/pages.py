"""The recurring invoices list (by status, a page at a time) and one recurring invoice: its
schedule, the invoices it made, and Pause / Resume / Stop. For everyone with Client Billing."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from payment_requests.access import billing_access_required
from payment_requests.services.common import current_tenant
from recurring import calendar, services
from recurring.models import RecurringDocument, RecurringInvoice

PAGE_SIZE = 25
DOCUMENTS_PER_PAGE = 25
SCHEDULE_SHOWN = 6  # next send dates on a recurring invoice's page
Status = RecurringInvoice.Status


@billing_access_required
@require_GET
def recurring_list(request):
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    rows = RecurringInvoice.objects.select_related("client").order_by("-created_at", "-pk")
    if status:
        rows = rows.filter(status=status)
    context = {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "status": status,
        "statuses": Status.choices,
    }
    return render(request, "recurring/list.html", context)


def schedule(recurring: RecurringInvoice) -> list:
    """The next send times (local), as many as remain, up to ``SCHEDULE_SHOWN``."""
    if recurring.status != Status.ACTIVE:
        return []
    remaining = recurring.remaining_cycles
    limit = SCHEDULE_SHOWN if remaining is None else min(remaining, SCHEDULE_SHOWN)
    tz = current_tenant().tzinfo
    days = calendar.upcoming(recurring.start_on, recurring.frequency, recurring.next_send_on, limit)
    return [calendar.send_time(recurring, day, tz).astimezone(tz) for day in days]


@billing_access_required
@require_GET
def detail(request, pk):
    recurring = get_object_or_404(
        RecurringInvoice.objects.select_related("client", "created_by"), pk=pk
    )
    documents = RecurringDocument.objects.filter(recurring=recurring).select_related("request")
    context = {
        "recurring": recurring,
        "schedule": schedule(recurring),
        "page": Paginator(documents, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page")),
    }
    return render(request, "recurring/detail.html", context)


def _action(service, done: str):
    @billing_access_required
    @require_POST
    def view(request, pk):
        recurring = get_object_or_404(RecurringInvoice, pk=pk)
        service(recurring.pk)
        messages.success(request, done)
        return redirect("recurring:detail", pk=recurring.pk)

    return view


pause = _action(services.pause, _lazy("Paused: no invoice goes out until you resume it."))
resume = _action(services.resume, _lazy("Resumed from its next send date."))
stop = _action(services.stop, _lazy("Stopped: it sends no more invoices."))
