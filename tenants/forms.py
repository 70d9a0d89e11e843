from django import forms
from django.utils.translation import gettext_lazy as _

from billing_saas.languages import country_choices
from tenants.subdomains import validate_subdomain


class SignUpForm(forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=120)
    subdomain = forms.CharField(
        label=_("Subdomain"),
        max_length=40,
        help_text=_("Your account's address. Lowercase letters, digits and hyphens."),
    )
    owner_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Work email"))
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        help_text=_("Amounts and dates are written as they are there."),
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 10 characters; not a common or all-numeric password."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices(_("Choose a country"))

    def clean_subdomain(self):
        return self.cleaned_data["subdomain"].strip().lower()

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class FindAccountForm(forms.Form):
    subdomain = forms.CharField(label=_("Your account's subdomain"), max_length=40)

    def clean_subdomain(self):
        value = self.cleaned_data["subdomain"].strip().lower()
        try:
            validate_subdomain(value)
        except forms.ValidationError as exc:
            if exc.code != "reserved_subdomain":
                raise
        return value


class AccountLinksForm(forms.Form):
    email = forms.EmailField(label=_("Your work email"))
