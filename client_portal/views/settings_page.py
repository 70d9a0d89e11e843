"""Settings → Client portal (billing administrators): who may get into the portal."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from client_portal import registration
from client_portal.forms import PortalSettingsForm
from client_portal.models import PortalSettings
from payment_requests.access import billing_access_required
from tenants.members.permissions import billing_admin_required
from tenants.urls_helpers import account_url


@billing_admin_required
@billing_access_required  # part of Client Billing: not installed, its catalog page
@require_http_methods(["GET", "POST"])
def portal_settings(request):
    # Bound on every POST: an unticked box alone posts nothing, and is still an answer.
    data = request.POST if request.method == "POST" else None
    form = PortalSettingsForm(data, instance=PortalSettings.read())
    if request.method == "POST" and form.is_valid():
        if registration.set_open(form.cleaned_data["registration_enabled"]).registration_enabled:
            messages.success(request, _("Registration is on: anyone can register as a client."))
        else:
            messages.success(request, _("Registration is off."))
        return redirect("client_portal:settings")
    context = {
        "form": form,
        "settings": PortalSettings.read(),  # what is saved, not what was just typed
        "register_url": account_url(request.tenant, reverse("client_portal:register"), request),
        "sign_in_url": account_url(request.tenant, reverse("client_portal:sign_in"), request),
    }
    return render(request, "client_portal/settings.html", context)
