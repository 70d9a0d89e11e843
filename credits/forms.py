"""The forms of the credit pages: issue a credit note, change its use, record a refund."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from billing_saas.currencies import CURRENCIES
from billing_saas.number_input import LocalizedDecimalField
from clients.models import Client
from clients.widgets import ClientPicker
from credits.models import CreditNote
from payment_requests.models import Payment


def new_key() -> str:
    return secrets.token_urlsafe(24)


class CreditNoteForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=Client.objects.all(),
        label=_("Client"),
        widget=ClientPicker(placeholder=_("Search your clients")),
        error_messages={"required": _("Choose the client you credit.")},
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)
    amount = LocalizedDecimalField(label=_("Amount"), max_digits=12, decimal_places=2)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The client reads it in their portal and on their statements."),
    )
    use = forms.ChoiceField(
        label=_("Use"),
        choices=CreditNote.Use.choices,
        widget=forms.RadioSelect,
        initial=CreditNote.Use.APPLY,
    )
    # Generated with the form: the same form posted twice issues one credit note.
    entry_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


class UseForm(forms.Form):
    use = forms.ChoiceField(label=_("Use"), choices=CreditNote.Use.choices)


class RefundForm(forms.Form):
    amount = LocalizedDecimalField(label=_("Amount paid back"), max_digits=12, decimal_places=2)
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices)
    refunded_on = forms.DateField(
        label=_("Date paid back"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("Optional: a transfer's reference, a cheque number…"),
    )
    entry_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    @classmethod
    def for_note(cls, note: CreditNote, today) -> RefundForm:
        form = cls(
            initial={
                "amount": note.remaining,
                "method": Payment.Method.BANK_TRANSFER,
                "refunded_on": today,
                "entry_key": new_key(),
            }
        )
        form.fields["refunded_on"].widget.attrs["max"] = today.isoformat()
        return form
