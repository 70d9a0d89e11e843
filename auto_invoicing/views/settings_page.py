"""Settings → Payments → Auto-send invoices (billing administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from auto_invoicing import calendar
from auto_invoicing.forms import AutoInvoicingForm
from auto_invoicing.models import AutoInvoicing
from auto_invoicing.services import save_settings
from clients.models import Client
from payment_requests.access import billing_access_required
from tenants.members.permissions import billing_admin_required


def sms_unreachable() -> dict[str, int]:
    """How many clients an SMS cannot reach: no valid mobile number, or opted out (STOP)."""
    return Client.objects.aggregate(
        no_mobile=Count("pk", filter=Q(mobile="")),
        opted_out=Count("pk", filter=~Q(mobile="") & Q(sms_opted_out=True)),
    )


@billing_admin_required
@billing_access_required  # part of Client Billing: not installed, its catalog page
@require_http_methods(["GET", "POST"])
def auto_send_settings(request):
    settings = AutoInvoicing.current()
    form = AutoInvoicingForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        saved = save_settings(form, request.user)
        if saved.enabled:
            messages.success(request, _("Auto-send invoices is on. Settings saved."))
        else:
            messages.success(request, _("Auto-send invoices is off. Settings saved."))
        return redirect("auto_invoicing:settings")
    # What is saved, not what was just typed: the next run follows the saved settings.
    saved = AutoInvoicing.objects.get(pk=settings.pk)
    unreachable = sms_unreachable()
    context = {
        "form": form,
        "settings": saved,
        "zone": request.tenant.time_zone,
        "next_run": calendar.next_run(saved, timezone.now(), request.tenant.tzinfo),
        "no_mobile": unreachable["no_mobile"],
        "opted_out": unreachable["opted_out"],
        "unreachable": unreachable["no_mobile"] + unreachable["opted_out"],
    }
    return render(request, "auto_invoicing/settings.html", context)
