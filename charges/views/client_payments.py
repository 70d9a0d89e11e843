"""A client's Payments tab: what it owes and has not been billed for, then its billed and paid
charges with the documents that bill them."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from charges.listing import account_today, unbilled_totals
from charges.models import Charge
from clients.models import Client
from payment_requests.access import billing_access_required

State = Charge.State
PAGE_SIZE = 25


@billing_access_required
@require_GET
def client_payments(request, pk):
    client = get_object_or_404(Client, pk=pk)
    charges = Charge.objects.filter(client=client).select_related("request")
    unbilled = charges.filter(state=State.UNBILLED).order_by("due_date", "pk")
    billed = charges.filter(state__in=[State.BILLED, State.PAID]).order_by("-due_date", "-pk")
    today = account_today()
    context = {
        "client": client,
        "today": today,
        # Due: what the next run bills; later ones wait for their day.
        "due": unbilled.filter(due_date__lte=today),
        "upcoming": unbilled.filter(due_date__gt=today),
        "totals": unbilled_totals(charges.filter(due_date__lte=today)),
        "page": Paginator(billed, PAGE_SIZE).get_page(request.GET.get("page")),
        "next_url": request.get_full_path(),
    }
    return render(request, "charges/client_payments.html", context)
