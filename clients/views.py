"""The account's clients: the list, the form, and the client pickers' suggestions.

These pages are part of Client Billing for now (its menu, its access rule, its open requests
in the list): they read ``payment_requests``, whose models point here; nothing below
``clients.views`` does, so the models, forms and widget stay free of it."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clients.forms import ClientForm
from clients.models import Client
from clients.services import save_client
from payment_requests.access import billing_access_required
from payment_requests.models import PaymentRequest
from payment_requests.services.messages import messages_of_client

PAGE_SIZE = 25
MAX_QUERY = 100
SUGGESTIONS = 8


def search_text(value: str) -> str:
    """Search text, bounded (what PostgreSQL cannot store never gets this far: input_guard)."""
    return (value or "").strip()[:MAX_QUERY]


@billing_access_required
@require_GET
def suggestions(request):
    """A client picker's search-as-you-type: a few matching clients, never all of them."""
    text = search_text(request.GET.get("client_name", ""))
    rows = Client.objects.matching(text).only("pk", "name", "company", "email")
    context = {"clients": list(rows.order_by("name", "pk")[:SUGGESTIONS]), "text": text}
    return render(request, "clients/_suggestions.html", context)


@billing_access_required
@require_GET
def client_list(request):
    query = search_text(request.GET.get("q", ""))
    rows = Client.objects.matching(query).annotate(
        open_count=Count(
            "requests",
            filter=Q(
                requests__status__in=PaymentRequest.OPEN_STATUSES, requests__deleted_at__isnull=True
            ),
        )
    )
    page = Paginator(rows.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "clients/list.html", {"page": page, "query": query})


@billing_access_required
@require_http_methods(["GET", "POST"])
def client_form(request, pk=None):
    client = get_object_or_404(Client, pk=pk) if pk else None
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        saved = save_client(form)
        messages.success(request, _("Client %(name)s saved.") % {"name": saved.name})
        return redirect("clients:list")
    deliveries = messages_of_client(client) if client else []
    context = {"form": form, "client": client, "deliveries": deliveries}
    return render(request, "clients/form.html", context)
