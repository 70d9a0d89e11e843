"""The account's SMS settings form (default sending or its own Twilio account), and the number
a test SMS goes to."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from billing_saas import languages
from notifications.sms_settings import SmsSending


def _phone_field(**kwargs) -> PhoneNumberField:
    # Built per form: a number typed without "+" is read as one of the account's country.
    region = getattr(languages.active_tenant(), "country", "") or None
    return PhoneNumberField(region=region, **kwargs)


class SmsSendingForm(forms.ModelForm):
    # Never rendered with a value: the stored token is not shown again, not even encrypted.
    auth_token = forms.CharField(
        label=_("Auth token"),
        required=False,
        strip=True,
        max_length=128,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = SmsSending
        fields = ["mode", "account_sid", "from_number", "messaging_service_sid"]
        widgets = {"mode": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_number"] = _phone_field(
            label=_("Sender number"),
            required=False,
            help_text=_(
                "A number of your Twilio account that can send SMS, with its country code "
                "(+44…) if not in the account's country."
            ),
        )
        self.fields["account_sid"].widget.attrs.update(
            placeholder="AC…", autocomplete="off", spellcheck="false"
        )
        self.fields["messaging_service_sid"].widget.attrs.update(
            placeholder="MG…", autocomplete="off", spellcheck="false"
        )
        if self.instance.has_auth_token:
            self.fields["auth_token"].help_text = _("Leave empty to keep the current auth token.")

    def clean(self):
        data = super().clean()
        if data.get("mode") != SmsSending.Mode.CUSTOM:
            return data
        if not data.get("account_sid") and "account_sid" not in self.errors:
            self.add_error("account_sid", _("Enter your Twilio account SID."))
        # A token saved for another account SID does not sign in to this one.
        same_account = data.get("account_sid") == self.initial.get("account_sid")
        kept = self.instance.has_auth_token and same_account
        if not data.get("auth_token") and not kept:
            self.add_error("auth_token", _("Enter the auth token of this Twilio account."))
        has_sender = data.get("from_number") or data.get("messaging_service_sid")
        sender_errors = {"from_number", "messaging_service_sid"} & set(self.errors)
        if not has_sender and not sender_errors:
            self.add_error(
                "from_number",
                _("Enter the number your SMS leave from, or a messaging service SID."),
            )
        return data


class TestSmsForm(forms.Form):
    """The number a test SMS goes to (its field is built per form, as the sender's)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"] = _phone_field(
            label=_("Mobile number"),
            help_text=_("With its country code (+44…) if not in the account's country."),
        )
