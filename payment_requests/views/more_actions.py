"""The side panel's *More actions*: email the invoice, mark it sent, mark it paid, undo a
payment recorded by hand. Each is a POST whose refusal (or success) shows on the panel."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from payment_requests import services
from payment_requests.access import billing_access_required
from payment_requests.models import Payment, PaymentRequest
from payment_requests.payment_forms import MarkPaidForm, keep_typed
from payment_requests.views.common import panel_url, run_panel_action


@billing_access_required
@require_POST
def email_invoice(request, pk):
    item = get_object_or_404(PaymentRequest, pk=pk)
    was_draft = item.status == PaymentRequest.Status.DRAFT
    done = (
        _("Invoice sent to %(email)s.") if was_draft else _("Invoice emailed again to %(email)s.")
    )
    return run_panel_action(
        request,
        pk,
        lambda: services.email_invoice(pk, actor=request.user, request_host=request),
        done % {"email": item.client.email},
    )


@billing_access_required
@require_POST
def mark_sent(request, pk):
    get_object_or_404(PaymentRequest, pk=pk)
    return run_panel_action(
        request,
        pk,
        lambda: services.mark_sent(pk, actor=request.user),
        _("Marked sent. Nothing was emailed; the client pays you directly."),
    )


@billing_access_required
@require_POST
def mark_paid(request, pk):
    """A refused payment's form comes back as it was typed, with its errors beside the fields
    (kept in the session for the panel's next render)."""
    get_object_or_404(PaymentRequest, pk=pk)
    form = MarkPaidForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.mark_paid(
                pk,
                actor=request.user,
                amount=data["amount"],
                method=data["method"],
                paid_on=data["paid_on"],
                reference=data["reference"].strip(),
                entry_key=data["entry_key"],
                email_receipt=data["email_receipt"],
            )
        except services.ActionRefused as refused:
            messages.error(request, refused.message)
            keep_typed(request, pk)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect(panel_url(pk))
    else:
        messages.error(request, _("The payment was not recorded: please check its details."))
        keep_typed(request, pk)
    return redirect(panel_url(pk) + "#mark-paid")


@billing_access_required
@require_POST
def undo_payment(request, pk, payment_pk):
    get_object_or_404(Payment, pk=payment_pk, request_id=pk)
    return run_panel_action(
        request,
        pk,
        lambda: services.undo_payment(pk, payment_pk, actor=request.user),
        _("Payment undone. The request is owed again."),
    )
