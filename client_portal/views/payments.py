"""The client's payments: what was recorded as received on its invoices (on the platform
or by hand), newest first, and a printable receipt of each. A payment that was undone is no
longer a payment: it shows nowhere here (its history stays on the staff side)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from client_portal import invoices
from client_portal.layout import layout_context
from client_portal.sessions import portal_client_required
from payment_requests.models import BillingSettings, Payment

PAGE_SIZE = 20


def of_client(client):
    """The client's recorded payments, on requests the portal knows (never a draft's). What a
    credit note paid is no money received: the Credits page shows it instead."""
    return (
        Payment.objects.filter(request__in=invoices.of_client(client), undone_at__isnull=True)
        .exclude(source=Payment.Source.CREDIT)
        .select_related("request")
        .order_by("-paid_at", "-pk")
    )


@never_cache
@require_GET
@portal_client_required
def payment_list(request):
    found = of_client(request.portal_client)
    return render(
        request,
        "client_portal/payments.html",
        {
            **layout_context(request, "payments"),
            "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


@never_cache
@require_GET
@portal_client_required
def receipt(request, pk):
    payment = of_client(request.portal_client).filter(pk=pk).first()
    if payment is None:
        raise Http404
    settings = BillingSettings.objects.order_by("pk").first() or BillingSettings()
    return render(
        request,
        "client_portal/payment_receipt.html",
        {
            **layout_context(request, "payments"),
            "payment": payment,
            "invoice": payment.request,
            "invoice_shown": invoices.is_shown(payment.request),
            "account_address": settings.address,
            "account_tax_ids": settings.tax_ids,
        },
    )
