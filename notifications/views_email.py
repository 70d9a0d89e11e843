"""The account's email settings page (billing administrators): how its emails leave."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from notifications.forms import EmailSendingForm
from notifications.models import EmailSending
from notifications.services import save_email_sending, send_test_email
from tenants.members.permissions import billing_admin_required


@billing_admin_required
@require_http_methods(["GET", "POST"])
def email_settings(request):
    form = EmailSendingForm(request.POST or None, instance=EmailSending.current())
    if request.method == "POST" and form.is_valid():
        save_email_sending(form)
        messages.success(request, _("Email settings saved."))
        return redirect("email_settings:edit")
    return render(request, "notifications/email_settings.html", {"form": form})


@billing_admin_required
@require_POST
def send_test(request):
    result = send_test_email(request.user, request.tenant.name)
    (messages.success if result.ok else messages.error)(request, result.message)
    return redirect("email_settings:edit")
