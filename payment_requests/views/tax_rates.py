"""The account's tax rates (GST, QST, VAT…): listed, added, deactivated and reactivated."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from billing_saas.query_params import positive_int
from payment_requests.forms import TaxRateForm
from payment_requests.models import TaxRate
from payment_requests.services.tax_rates import add_tax_rate, set_tax_rate_active
from tenants.members.permissions import billing_admin_required


@billing_admin_required
@require_http_methods(["GET", "POST"])
def tax_rates(request):
    action = request.POST.get("action")
    form = TaxRateForm(request.POST if action == "add" else None)
    if form.is_valid():
        rate = add_tax_rate(**form.cleaned_data)
        messages.success(request, _("%(rate)s added.") % {"rate": rate})
        return redirect("payment_requests:tax_rates")
    if action in ("activate", "deactivate"):
        rate = get_object_or_404(TaxRate, pk=positive_int(request.POST.get("tax_rate")))
        set_tax_rate_active(rate.pk, active=action == "activate")
        if action == "activate":
            message = _("%(rate)s can be applied again.")
        else:
            message = _("%(rate)s is no longer offered on new lines.")
        messages.success(request, message % {"rate": rate})
        return redirect("payment_requests:tax_rates")
    return render(
        request,
        "payment_requests/tax_rates.html",
        {"form": form, "rates": TaxRate.objects.order_by("-active", "name", "rate", "pk")},
    )
