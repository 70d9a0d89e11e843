"""What the request pages share: where the side panel is, and sending with its report."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from payment_requests import services
from payment_requests.models import PaymentRequest
from payment_requests.services.channels import sms_problem, wants_sms
from payment_requests.services.messages import messages_of


def panel_url(pk: int) -> str:
    return reverse("payment_requests:dashboard") + f"?open={pk}"


def panel_request(pk):
    item = (
        PaymentRequest.objects.select_related(
            "client", "connection", "remote", "created_by", "run_document__run"
        )
        .prefetch_related("history__actor", "attachments", "payments", "lines__applied_taxes")
        .filter(pk=pk)
        .first()
    )
    if item is not None:
        item.deliveries = messages_of(item)
    return item


def send_and_report(request, pk):
    try:
        item = services.send_request(pk, actor=request.user, request_host=request)
    except services.ActionRefused as refused:
        messages.error(request, _("Not sent: %(reason)s") % {"reason": refused.message})
    else:
        if item.status == PaymentRequest.Status.SENT:
            messages.success(
                request,
                _("Payment request %(number)s sent to %(email)s.")
                % {"number": item.number, "email": item.client.email},
            )
            if wants_sms(item) and (problem := sms_problem(item)):
                messages.warning(
                    request, _("No SMS: %(reason)s. The email was sent.") % {"reason": problem}
                )
    return redirect(panel_url(pk))
