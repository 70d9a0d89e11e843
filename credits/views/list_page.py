"""Billing's list of credit notes: what is left to use first, by client, with the totals."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clients.widgets import ClientPicker
from credits.listing import Filters, available_totals, state_choices
from payment_requests.access import billing_access_required

PAGE_SIZE = 25


@billing_access_required
@require_GET
def credit_list(request):
    filters = Filters.from_query(request.GET)
    page = Paginator(filters.notes(), PAGE_SIZE).get_page(request.GET.get("page"))
    picker = ClientPicker(placeholder=_("All clients"), submit_on_pick=True)
    context = {
        "page": page,
        "filters": filters,
        "states": [
            (value, label, filters.query(state=value if value != "available" else ""))
            for value, label in state_choices()
        ],
        "totals": available_totals(filters.for_clients()),
        "client_picker": picker.render("client", filters.client, attrs={"id": "filter_client"}),
        "all_clients_query": filters.query(client=""),
    }
    return render(request, "credits/list.html", context)
