from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from billing_saas import languages
from clients.models import Client


class ClientForm(forms.ModelForm):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Of its emails and payment pages. The client can change it there too."),
    )

    class Meta:
        model = Client
        fields = [
            "name",
            "company",
            "email",
            "phone",
            "mobile",
            "address",
            "preferred_currency",
            "language",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        account = languages.name(languages.account_language())
        # Built here: a number typed without "+" is read as one of the account's country.
        region = getattr(languages.active_tenant(), "country", "") or None
        self.fields["mobile"] = PhoneNumberField(
            label=_("Mobile"),
            region=region,
            required=False,
            help_text=_("For SMS. With its country code (+44…) if not in the account's country."),
        )
        self.fields["language"].choices = languages.choices(
            _("The account's (%(language)s)") % {"language": account}
        )
