from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
        fields = ["name", "company", "email", "phone", "address", "preferred_currency", "language"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        account = languages.name(languages.account_language())
        self.fields["language"].choices = languages.choices(
            _("The account's (%(language)s)") % {"language": account}
        )
