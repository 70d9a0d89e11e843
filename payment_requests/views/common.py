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

Status = PaymentRequest.Status


def panel_url(pk: int) -> str:
    return reverse("payment_requests:dashboard") + f"?open={pk}"


def panel_request(pk, http_request=None):
    """The request shown in the side panel, with what its panel offers. ``http_request``:
    the page's, whose session may hold a refused *Mark paid* form to show again."""
    item = (
        PaymentRequest.objects.select_related(
            "client", "connection", "remote", "created_by", "run_document__run"
        )
        .prefetch_related(
            "history__actor",
            "attachments",
            "payments__recorded_by",
            "payments__undone_by",
            "lines__applied_taxes",
        )
        .filter(pk=pk)
        .first()
    )
    if item is not None:
        item.deliveries = messages_of(item)
        _more_actions(item, http_request)
    return item


def _more_actions(item: PaymentRequest, http_request=None) -> None:
    """What *More actions* offers this request, and the *Mark paid* form filled in."""
    from payment_requests.payment_forms import MarkPaidForm, typed_for
    from payment_requests.services.manual import account_today

    live = item.deleted_at is None
    item.can_email_invoice = (item.status == Status.DRAFT and live) or item.can_be_reminded
    item.can_mark_sent = item.status == Status.DRAFT and live
    item.can_mark_paid = (item.status == Status.DRAFT and live) or item.is_payable
    if item.can_mark_paid:
        typed = typed_for(http_request, item.pk) if http_request else None
        item.mark_paid_form = MarkPaidForm.for_request(item, account_today(), typed)
    # Paid by hand while its platform invoice stays open: the client could pay it twice.
    item.platform_stays_open = bool(
        item.remote_id
        and item.status == Status.PAID
        and any(payment.can_be_undone for payment in item.payments.all())
    )


def run_panel_action(request, pk, action, success: str):
    """Run one side-panel action; its refusal (or success) is shown on the panel."""
    try:
        action()
    except services.ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, success)
    return redirect(panel_url(pk))


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
