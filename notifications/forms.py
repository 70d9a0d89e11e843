"""The account's email settings form: default sending or its own SMTP server."""

from __future__ import annotations

from email.utils import parseaddr

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from notifications.models import EmailSending
from notifications.smtp import HostRefused, check_host


class EmailSendingForm(forms.ModelForm):
    # Never rendered with a value: the stored password is not shown again, not even encrypted.
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        max_length=512,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = EmailSending
        fields = ["mode", "host", "port", "security", "username", "from_address", "reply_to"]
        widgets = {"mode": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["port"].min_value = 1
        self.fields["port"].max_value = 65535
        self.fields["port"].widget.attrs.update(min=1, max=65535)
        if self.instance.has_password:
            self.fields["password"].help_text = _("Leave empty to keep the current password.")

    def clean_host(self) -> str:
        host = self.cleaned_data["host"].strip().rstrip(".").lower()
        if host and (any(char.isspace() or char in "/@:[]" for char in host) or ".." in host):
            raise forms.ValidationError(_("Enter a host name such as smtp.example.com."))
        return host

    def clean_from_address(self) -> str:
        value = self.cleaned_data["from_address"].strip()
        if value:
            _name, address = parseaddr(value)
            try:
                validate_email(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _(
                        "Enter an email address, e.g. invoices@example.com or "
                        "Alpha <invoices@example.com>."
                    )
                ) from None
        return value

    def clean(self):
        data = super().clean()
        if data.get("mode") != EmailSending.Mode.CUSTOM:
            return data
        required = {
            "host": _("Enter your SMTP server's host."),
            "from_address": _("Enter the address your clients receive your emails from."),
        }
        for name, message in required.items():
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        if data.get("username") and not (data.get("password") or self.instance.has_password):
            self.add_error("password", _("Enter the password of this user name."))
        if data.get("host") and data.get("port"):
            try:
                check_host(data["host"], data["port"])
            except HostRefused as refused:
                self.add_error("host", refused.reason)
        return data
