"""Billing's list of charges: unbilled first (what the next runs will bill), filtered by state
and client, with the totals of what is unbilled; and canceling one of them."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from billing_saas.refusals import ActionRefused
from charges.listing import Filters, account_today, state_choices, unbilled_totals
from charges.models import Charge
from charges.services import cancel_charge
from clients.widgets import ClientPicker
from payment_requests.access import billing_access_required

PAGE_SIZE = 25


@billing_access_required
@require_GET
def charge_list(request):
    filters = Filters.from_query(request.GET)
    rows = filters.charges()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    picker = ClientPicker(
        placeholder=_("All clients"), submit_on_pick=True, typed=filters.client_name
    )
    context = {
        "page": page,
        "filters": filters,
        "states": [
            (value, label, filters.query(state=value if value != "unbilled" else ""))
            for value, label in state_choices()
        ],
        "totals": unbilled_totals(filters.for_clients())
        if filters.state in ("unbilled", "all")
        else [],  # fmt: skip
        "today": account_today(),
        "client_picker": picker.render("client", filters.client, attrs={"id": "filter_client"}),
        "order_query": filters.query(order="" if filters.newest_first else "latest"),
        "all_clients_query": filters.query(client="", client_name=""),
        "next_url": request.get_full_path(),
    }
    return render(request, "charges/list.html", context)


def _back(request):
    """Where the cancel came from (the list with its filters, a client's Payments tab)."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("charges:list")


@billing_access_required
@require_POST
def cancel(request, pk):
    charge = get_object_or_404(Charge, pk=pk)
    try:
        cancel_charge(charge.pk)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("“%(charge)s” canceled: it will not be billed.") % {
            "charge": charge.description})  # fmt: skip
    return _back(request)
