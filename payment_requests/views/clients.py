"""The account's clients: the list, the form, and the dashboard filter's suggestions."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from payment_requests import dashboard
from payment_requests.access import billing_access_required
from payment_requests.forms import ClientForm
from payment_requests.models import Client, PaymentRequest
from payment_requests.services.clients import save_client


@billing_access_required
@require_GET
def client_suggestions(request):
    """The client filter's search-as-you-type: a few matching clients, never all of them."""
    text = request.GET.get("client_name", "")
    context = {"clients": dashboard.client_suggestions(text), "text": dashboard.search_text(text)}
    return render(request, "payment_requests/_client_suggestions.html", context)


@billing_access_required
@require_GET
def clients(request):
    rows = Client.objects.annotate(
        open_count=Count(
            "requests",
            filter=Q(
                requests__status__in=PaymentRequest.OPEN_STATUSES, requests__deleted_at__isnull=True
            ),
        )
    )
    query = request.GET.get("q", "").strip()[:100]
    if query:
        rows = rows.filter(
            Q(name__icontains=query) | Q(company__icontains=query) | Q(email__icontains=query)
        )
    page = Paginator(rows.order_by("name", "pk"), dashboard.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "payment_requests/clients.html", {"page": page, "query": query})


@billing_access_required
@require_http_methods(["GET", "POST"])
def client_form(request, pk=None):
    client = get_object_or_404(Client, pk=pk) if pk else None
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        saved = save_client(form)
        messages.success(request, _("Client %(name)s saved.") % {"name": saved.name})
        return redirect("payment_requests:clients")
    return render(request, "payment_requests/client_form.html", {"form": form, "client": client})
