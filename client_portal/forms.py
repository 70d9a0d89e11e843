import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from billing_saas import languages
from client_portal.models import PortalSettings


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


def mobile_field(label) -> PhoneNumberField:
    """A client's mobile number, optional. As the staff's client form reads it: a number
    without "+" is one of the account's country."""
    region = getattr(languages.active_tenant(), "country", "") or None
    return PhoneNumberField(
        label=label,
        region=region,
        required=False,
        max_length=40,
        help_text=_("For text messages. With its country code (+44…) if abroad."),
    )


def one_line_of_text(value: str) -> None:
    """Names go into emails' greetings and headers: no control characters (line breaks
    included), nor the Unicode line and paragraph separators."""
    if any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") for char in value):
        raise ValidationError(_("Use letters, digits and punctuation only, on one line."))


class RegistrationForm(forms.Form):
    """Who asks to become a client: the fields of ``Client`` a person can tell about itself."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        validators=[one_line_of_text],
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "name"}),
    )
    company = forms.CharField(
        label=_("Company"),
        max_length=200,
        required=False,
        validators=[one_line_of_text],
        help_text=_("If you are billed as a company."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        validators=[one_line_of_text],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    language = forms.ChoiceField(label=_("Language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"] = mobile_field(_("Mobile (optional)"))
        self.order_fields(["name", "company", "email", "mobile", "language"])
        self.fields["language"].choices = languages.choices()
        self.fields["language"].initial = languages.supported(translation.get_language())

    def details(self) -> dict[str, str]:
        data = self.cleaned_data
        return {**data, "mobile": data["mobile"].as_e164 if data["mobile"] else ""}


class PortalSettingsForm(forms.ModelForm):
    class Meta:
        model = PortalSettings
        fields = ["registration_enabled"]
