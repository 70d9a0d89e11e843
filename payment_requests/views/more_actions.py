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
from payment_requests.payment_forms import MarkPaidForm
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
    get_object_or_404(PaymentRequest, pk=pk)
    form = MarkPaidForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(panel_url(pk))
    data = form.cleaned_data
    return run_panel_action(
        request,
        pk,
        lambda: services.mark_paid(
            pk,
            actor=request.user,
            amount=data["amount"],
            method=data["method"],
            paid_on=data["paid_on"],
            reference=data["reference"].strip(),
            entry_key=data["entry_key"],
            email_receipt=data["email_receipt"],
        ),
        _("Payment recorded."),
    )


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
