"""Who has access to Client Billing, and the account's billing settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from billing_saas.query_params import positive_int
from payment_requests.access import billing_access_required
from payment_requests.forms import SettingsForm
from payment_requests.models import BillingSettings
from payment_requests.services.access import grant_access, revoke_access
from payment_requests.services.account_settings import save_settings
from tenants.members.permissions import billing_admin_required


@billing_access_required
@require_http_methods(["GET", "POST"])
def access(request):
    User = get_user_model()
    if request.method == "POST":
        member = get_object_or_404(User, pk=positive_int(request.POST.get("user")), is_active=True)
        if member.is_billing_admin:
            messages.info(request, _("Billing administrators always have access."))
        elif request.POST.get("grant") == "yes":
            grant_access(member, granted_by=request.user)
            messages.success(
                request, _("%(name)s can now use Client Billing.") % {"name": member.full_name}
            )
        else:
            revoke_access(member)
            messages.success(
                request,
                _("%(name)s no longer has access to Client Billing.") % {"name": member.full_name},
            )
        return redirect("payment_requests:access")
    members = (
        User.objects.filter(is_active=True).select_related("billing_access").order_by("full_name")
    )
    return render(request, "payment_requests/access.html", {"members": members})


@billing_admin_required
@require_http_methods(["GET", "POST"])
def billing_settings(request):
    from solutions.services import installation

    installed = installation("client-billing")
    form = SettingsForm(
        request.POST or None,
        request.FILES or None,
        instance=BillingSettings.current(),
        initial={
            "time_zone": request.tenant.time_zone,
            "language": request.tenant.language,
            "country": request.tenant.country,
            "connection": installed.connection_id if installed else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        save_settings(form, request.tenant, installed)
        messages.success(request, _("Settings saved."))
        return redirect("payment_requests:settings")
    return render(request, "payment_requests/settings.html", {"form": form})
