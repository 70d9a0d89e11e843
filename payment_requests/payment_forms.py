"""The side panel's *Mark paid* form: a payment received outside the payment platform."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from billing_saas.number_input import LocalizedDecimalField
from payment_requests.models import Payment, PaymentRequest


class MarkPaidForm(forms.Form):
    amount = LocalizedDecimalField(label=_("Amount received"), max_digits=12, decimal_places=2)
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices)
    paid_on = forms.DateField(
        label=_("Date received"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("Optional: a cheque number, a transfer's reference…"),
    )
    email_receipt = forms.BooleanField(
        label=_("Email the client a receipt once it is fully paid"), required=False
    )
    # Generated with the form: the same form posted twice records one payment.
    entry_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    @classmethod
    def for_request(cls, request: PaymentRequest, today) -> MarkPaidForm:
        """Filled in with what is most likely: all that is due, received today."""
        form = cls(
            initial={
                "amount": request.balance_due,
                "method": Payment.Method.BANK_TRANSFER,
                "paid_on": today,
                "email_receipt": True,
                "entry_key": secrets.token_urlsafe(24),
            },
            auto_id=f"mark-paid-{request.pk}-%s",
        )
        form.fields["paid_on"].widget.attrs["max"] = today.isoformat()
        return form
