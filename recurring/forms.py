"""The recurring invoice's form: the client, currency, description, its lines (typed, or added
from the catalog as in the quote builder) and its schedule.

The lines are the quote builder's (``quotes.forms.QuoteForm``: the request form's lines plus
the product each was picked from, priced by the same rule, a catalog product added as a line):
this form is that one with the recurring invoice's own fields instead of the quote's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from connectors.base import Capability
from connectors.registry import capabilities_of
from payment_requests.services.common import default_connection
from quotes.forms import QuoteForm
from recurring.models import AutoBill, RecurringInvoice
from recurring.services import account_today

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]
FIELDS = ("client", "description", "currency", "frequency", "start_on", "hour", "due_days",
          "cycles", "auto_bill")  # fmt: skip


class RecurringInvoiceForm(QuoteForm):
    # A recurring invoice is for a client already on file: no inline new client here.
    new_client_name = None
    new_client_email = None
    new_client_company = None
    hour = forms.TypedChoiceField(label=_lazy("Send at"), choices=HOURS, coerce=int, initial=9)
    # Not required: a form without it (an older page, a script) leaves auto-bill off.
    auto_bill = forms.TypedChoiceField(
        label=_lazy("Auto-bill"),
        choices=AutoBill.choices,
        required=False,
        empty_value=AutoBill.OFF,
        initial=AutoBill.OFF,
        widget=forms.RadioSelect,
        help_text=_lazy("Each invoice is charged to the client's saved card when it is sent."),
    )

    class Meta:
        model = RecurringInvoice
        fields = list(FIELDS)
        widgets = {
            "start_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.TextInput(attrs={"placeholder": _lazy("Monthly maintenance")}),
        }

    def clean(self):
        data = forms.ModelForm.clean(self)  # the quote's own checks (validity…) do not apply
        self._price_the_lines(data)
        if not data.get("client"):
            self.add_error("client", _("Choose a client."))
        start = data.get("start_on")
        changed = self.instance.pk is None or "start_on" in self.changed_data
        if start and changed and start < account_today():
            self.add_error("start_on", _("The start date cannot be in the past."))
        if data.get("auto_bill", AutoBill.OFF) != AutoBill.OFF and not _charges_saved_cards():
            self.add_error(
                "auto_bill",
                _(
                    "Your payment platform cannot charge saved cards: auto-bill needs Stripe. "
                    "Turn auto-bill off, or connect Stripe."
                ),
            )
        product = data.get("add_product")
        if self.action == "add_product" and product and product.currency != data.get("currency"):
            self.add_error(
                "add_product",
                _("%(name)s is priced in %(product)s; this invoice is in %(invoice)s.")
                % {
                    "name": product.name,
                    "product": product.currency,
                    "invoice": data.get("currency"),
                },
            )
        return data

    def recurring_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in FIELDS}


def _charges_saved_cards() -> bool:
    """Whether the connection new invoices go to can charge a saved card (``AUTO_CHARGE``)."""
    connection = default_connection()
    return connection is not None and Capability.AUTO_CHARGE in capabilities_of(connection)
