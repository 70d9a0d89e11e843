"""The client portal's Recurring invoices: each active recurring invoice of the signed-in
client (frequency, start date, next send date, remaining cycles, amount), and Show: the
invoices it made that the client was sent (never a draft), each linking to its portal page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from client_portal import invoices
from client_portal.layout import layout_context
from client_portal.sessions import portal_client_required
from recurring.models import RecurringInvoice

PAGE_SIZE = 20
SECTION = "recurring"


def of_client(client):
    return RecurringInvoice.objects.filter(client=client, status=RecurringInvoice.Status.ACTIVE)


@never_cache
@require_GET
@portal_client_required
def portal_list(request):
    found = of_client(request.portal_client).order_by("next_send_on", "pk")
    context = {
        **layout_context(request, SECTION),
        "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render(request, "recurring/portal_list.html", context)


@never_cache
@require_GET
@portal_client_required
def portal_detail(request, pk):
    recurring = of_client(request.portal_client).filter(pk=pk).first()
    if recurring is None:
        raise Http404
    made = invoices.shown(request.portal_client).filter(recurring_document__recurring=recurring)
    context = {
        **layout_context(request, SECTION),
        "recurring": recurring,
        "page": Paginator(made, PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render(request, "recurring/portal_detail.html", context)
