"""The form to add a charge by hand, and the one naming a new API key."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from billing_saas.currencies import CURRENCIES
from billing_saas.number_input import LocalizedDecimalField
from charges.models import Charge
from clients.models import Client
from clients.widgets import ClientPicker
from payment_requests.line_forms import QuantityField
from products.models import Product

Source = Charge.Source
# A booking's charge comes with its booking (bookings.services.book), never from this form.
SOURCES_BY_HAND = [(value, label) for value, label in Source.choices if value != Source.BOOKING]


class ChargeForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=Client.objects.all(),
        label=_("Client"),
        widget=ClientPicker(placeholder=_("Search your clients")),
        error_messages={"required": _("Choose the client who owes this.")},
    )
    product = forms.ModelChoiceField(
        queryset=Product.objects.active().order_by("name", "pk"),
        required=False,
        label=_("From your catalog"),
        empty_label=_("None: describe it below"),
        help_text=_("Fills in the description, price and currency; you can still change them."),
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    quantity = QuantityField(label=_("Quantity"), max_digits=12, decimal_places=3, initial=1)
    unit_price = LocalizedDecimalField(
        label=_("Unit price"), max_digits=12, decimal_places=2, required=False
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)
    due_date = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Billed by the first automated invoicing run on or after this day."),
    )
    source = forms.ChoiceField(label=_("Source"), choices=SOURCES_BY_HAND, initial=Source.MANUAL)

    def clean(self):
        """A product chosen without a description or a price lends its own (the page
        without JavaScript works too)."""
        data = super().clean()
        product = data.get("product")
        if product is not None:
            if not (data.get("description") or "").strip():
                data["description"] = product.name
            if data.get("unit_price") is None and "unit_price" not in self.errors:
                data["unit_price"] = product.unit_price
                data["currency"] = product.currency
        if not (data.get("description") or "").strip() and "description" not in self.errors:
            self.add_error("description", _("Describe the charge, or choose it from your catalog."))
        if data.get("unit_price") is None and "unit_price" not in self.errors:
            self.add_error("unit_price", _("Enter the unit price."))
        return data

    def charge_fields(self) -> dict:
        """``add_charge``'s arguments from the cleaned form."""
        data = self.cleaned_data
        return {name: data[name] for name in (
            "client", "description", "quantity", "unit_price", "currency", "due_date",
            "source", "product",
        )}  # fmt: skip


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Who uses it, so you know which key to revoke: “Booking tool”."),
    )
