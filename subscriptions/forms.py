from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from billing_saas.currencies import CURRENCIES
from billing_saas.number_input import LocalizedDecimalField
from clients.models import Client
from connectors.money import fits_currency
from subscriptions.models import Plan, SubscriptionSettings


class PlanForm(forms.ModelForm):
    price = LocalizedDecimalField(label=_("Price"), max_digits=12, decimal_places=2, min_value=0.01)

    class Meta:
        model = Plan
        fields = ["name", "price", "currency", "interval", "interval_count", "group"]
        help_texts = {"group": _("Clients may switch between the plans of one group.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = CURRENCIES

    def clean(self):
        data = super().clean()
        price, currency = data.get("price"), data.get("currency")
        if price is not None and currency and not fits_currency(price, currency):
            self.add_error("price", _("This currency does not have that many decimals."))
        return data


class LinkForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.order_by("name"))


class SettingsForm(forms.ModelForm):
    class Meta:
        model = SubscriptionSettings
        fields = ["allow_cancellation", "allow_plan_switch"]


class SwitchForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("New plan"), queryset=Plan.objects.none())

    def __init__(self, plans, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
