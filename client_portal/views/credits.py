"""The client's credits: the credit notes given to it (where each was applied, what was
refunded of it) and the refunds of its payments on the payment platform. Only the signed-in
client's; a voided credit note was never given."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from client_portal import invoices
from client_portal.layout import layout_context
from client_portal.sessions import portal_client_required
from credits.models import CreditApplication, CreditNote
from payment_requests.models import Payment


def notes_of(client):
    live = CreditApplication.objects.filter(released_at__isnull=True).select_related("request")
    return (
        CreditNote.objects.filter(client=client, voided_at__isnull=True)
        .prefetch_related(Prefetch("applications", queryset=live, to_attr="live"), "refunds")
        .order_by("-issued_at", "-pk")
    )


def payment_refunds_of(client):
    """The client's platform payments that were refunded, latest refund first."""
    return (
        Payment.objects.filter(
            request__in=invoices.of_client(client),
            source=Payment.Source.PLATFORM,
            amount_refunded__gt=0,
        )
        .select_related("request")
        .order_by("-refunded_at", "-pk")
    )


@never_cache
@require_GET
@portal_client_required
def credit_list(request):
    client = request.portal_client
    context = {
        **layout_context(request, "credits"),
        "notes": notes_of(client),
        "refunds": payment_refunds_of(client),
    }
    return render(request, "client_portal/credits.html", context)
