"""Adding a charge by hand: a client, what it is (or a product of the catalog), its price and
due date."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from billing_saas.query_params import positive_int
from charges.forms import ChargeForm
from charges.listing import account_today
from charges.services import ChargeRefused, add_charge
from clients.models import Client
from payment_requests.access import billing_access_required
from products.services import default_currency


def _initial(request) -> dict:
    client = Client.objects.filter(pk=positive_int(request.GET.get("client"))).first()
    currency = (client.preferred_currency if client else "") or default_currency()
    return {"client": client.pk if client else None, "currency": currency,
            "due_date": account_today()}  # fmt: skip


@billing_access_required
@require_http_methods(["GET", "POST"])
def new_charge(request):
    form = ChargeForm(request.POST or None, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            charge, _created = add_charge(**form.charge_fields(), actor=request.user)
        except ChargeRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(
                request,
                _("Charge added for %(client)s: it will be billed with their other charges.")
                % {"client": charge.client.name},
            )
            return redirect(reverse("charges:client_payments", args=[charge.client_id]))
    return render(request, "charges/form.html", {"form": form})
