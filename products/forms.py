from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from billing_saas.currencies import CURRENCIES
from billing_saas.number_input import LocalizedDecimalField
from connectors.money import decimal_places, fits_currency
from payment_requests.models import TaxRate
from products.models import Product


class ProductForm(forms.ModelForm):
    unit_price = LocalizedDecimalField(
        label=_("Unit price"), max_digits=12, decimal_places=2, min_value=0
    )
    tax_rates = forms.ModelMultipleChoiceField(
        label=_("Taxes"),
        queryset=TaxRate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Applied to every line this product is added to."),
    )

    class Meta:
        model = Product
        fields = ["name", "description", "unit_price", "currency", "unit", "tax_rates"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "name": forms.TextInput(attrs={"placeholder": _("Website design")}),
        }
        labels = {"unit": _("Unit")}
        help_texts = {"unit": _("What the price is for: an hour, a day, an item…")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = CURRENCIES
        self.fields["unit"].choices = [("", _("No unit")), *Product.Unit.choices]
        # The active rates, and those the product already has (deactivated since): saving
        # it unchanged must not drop them silently.
        used = self.instance.tax_rates.all() if self.instance.pk else TaxRate.objects.none()
        self.fields["tax_rates"].queryset = TaxRate.objects.filter(
            Q(active=True) | Q(pk__in=used.values("pk"))
        )
        self.offers_taxes = self.fields["tax_rates"].queryset.exists()

    def clean(self):
        data = super().clean()
        price, currency = data.get("unit_price"), data.get("currency")
        if price is not None and currency and not fits_currency(price, currency):
            places = decimal_places(currency)
            if places:
                message = ngettext(
                    "A price in %(currency)s has at most %(places)s decimal.",
                    "A price in %(currency)s has at most %(places)s decimals.",
                    places,
                )
            else:
                message = _("A price in %(currency)s has no decimals.")
            self.add_error("unit_price", message % {"currency": currency, "places": places})
        return data
