from django import forms
from django.utils.translation import gettext_lazy as _

from billing_saas.languages import country_choices
from connectors.stripe.app import ACCOUNT_COUNTRIES


def _country_choices():
    """The countries Stripe opens accounts in, named in the reader's language (CLDR)."""
    offered = frozenset(ACCOUNT_COUNTRIES)
    return [item for item in country_choices(_("Choose a country")) if item[0] in offered | {""}]


class ModeField(forms.BooleanField):
    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            initial=True,
            label=_("Test mode"),
            help_text=_("Try the whole flow with test cards; no real money moves."),
            **kwargs,
        )


class ConnectStripeForm(forms.Form):
    test_mode = ModeField()

    @property
    def mode(self) -> str:
        return "test" if self.cleaned_data["test_mode"] else "live"


class NewStripeAccountForm(forms.Form):
    test_mode = ModeField()
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices)
    business_name = forms.CharField(label=_("Business name"), max_length=100)
    privacy_url = forms.URLField(
        label=_("Privacy policy URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Shown to your clients when they pay."),
    )
    terms_url = forms.URLField(
        label=_("Terms of service URL"),
        max_length=500,
        assume_scheme="https",
    )

    def clean(self):
        data = super().clean()
        for name in ("privacy_url", "terms_url"):
            value = data.get(name) or ""
            if value and not value.startswith("https://") and not value.startswith("http://"):
                self.add_error(name, _("Enter a web address starting with https://."))
        return data

    @property
    def mode(self) -> str:
        return "test" if self.cleaned_data["test_mode"] else "live"
