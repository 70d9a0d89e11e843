"""The account's SMS settings page (billing administrators): how its SMS leave."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from notifications.sms_forms import SmsSendingForm, TestSmsForm
from notifications.sms_services import save_sms_sending, send_test_sms
from notifications.sms_settings import SmsSending
from tenants.members.permissions import billing_admin_required


def _page(request, form, test_form):
    # Where the account's own Twilio number sends what clients text back (STOP, START).
    inbound_url = request.build_absolute_uri(reverse("twilio_account_inbound"))
    context = {"form": form, "test_form": test_form, "inbound_url": inbound_url}
    return render(request, "notifications/sms_settings.html", context)


@billing_admin_required
@require_http_methods(["GET", "POST"])
def sms_settings(request):
    form = SmsSendingForm(request.POST or None, instance=SmsSending.current())
    if request.method == "POST" and form.is_valid():
        save_sms_sending(form)
        messages.success(request, _("SMS settings saved."))
        return redirect("sms_settings:edit")
    return _page(request, form, TestSmsForm())


@billing_admin_required
@require_POST
def send_test(request):
    test_form = TestSmsForm(request.POST)
    if not test_form.is_valid():
        return _page(request, SmsSendingForm(instance=SmsSending.current()), test_form)
    result = send_test_sms(test_form.cleaned_data["phone"].as_e164, request.tenant.name)
    (messages.success if result.ok else messages.error)(request, result.message)
    return redirect("sms_settings:edit")
