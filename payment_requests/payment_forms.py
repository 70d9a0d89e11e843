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
    def for_request(cls, request: PaymentRequest, today, typed: dict | None = None
                    ) -> MarkPaidForm:  # fmt: skip
        """Filled in with what is most likely: all that is due, received today; or, after a
        refusal, with what the member typed and the errors beside its fields."""
        if typed:
            form = cls(typed, auto_id=f"mark-paid-{request.pk}-%s")
            form.is_valid()  # its errors beside its fields
            form.fields["paid_on"].widget.attrs["max"] = today.isoformat()
            return form
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


def _typed_key(pk: int) -> str:
    return f"mark-paid-typed:{pk}"


def keep_typed(http_request, pk: int) -> None:
    """Keep what was typed in the refused form (each value cut to its field's size) for the
    panel's next render, which takes it once (``typed_for``)."""
    typed = {name: http_request.POST.get(name, "")[:120] for name in MarkPaidForm.base_fields}
    http_request.session[_typed_key(pk)] = typed


def typed_for(http_request, pk: int) -> dict | None:
    return http_request.session.pop(_typed_key(pk), None)
