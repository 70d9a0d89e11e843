"""How this account's SMS leave: the product's Twilio account, or the account's own.

One row per account (``SmsSending.current()``), as ``EmailSending``. The auth token is stored
encrypted with the connector keys (``connectors/secrets.py``), rotated with them
(``rotate_connector_secrets``) and never shown again; the account SID is an identifier, not a
secret, and stays readable.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

ACCOUNT_SID = RegexValidator(
    r"^AC[0-9a-fA-F]{32}$",
    _(
        "Enter the account SID from your Twilio console: "
        "AC followed by 32 digits and letters a to f."
    ),
)
MESSAGING_SERVICE_SID = RegexValidator(
    r"^MG[0-9a-fA-F]{32}$",
    _("Enter a messaging service SID: MG followed by 32 digits and letters a to f."),
)


class SmsSending(models.Model):
    class Mode(models.TextChoices):
        DEFAULT = "default", _("Default sending")
        CUSTOM = "custom", _("Your own Twilio account")

    mode = models.CharField(_("sending"), max_length=8, choices=Mode.choices, default=Mode.DEFAULT)
    account_sid = models.CharField(
        _("account SID"), max_length=34, blank=True, validators=[ACCOUNT_SID]
    )
    encrypted_auth_token = models.TextField(blank=True, editable=False)
    from_number = PhoneNumberField(
        _("sender number"),
        blank=True,
        help_text=_("A number of your Twilio account that can send SMS."),
    )
    messaging_service_sid = models.CharField(
        _("messaging service SID"),
        max_length=34,
        blank=True,
        validators=[MESSAGING_SERVICE_SID],
        help_text=_("Instead of a number: your messaging service picks the sender."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.get_mode_display()

    @classmethod
    def current(cls) -> SmsSending:
        return cls.objects.order_by("pk").first() or cls.objects.create()

    @property
    def is_custom(self) -> bool:
        return self.mode == self.Mode.CUSTOM

    @property
    def is_complete(self) -> bool:
        """Whether its own account can send: a SID, a token and a sender."""
        return bool(
            self.account_sid
            and self.encrypted_auth_token
            and (self.from_number or self.messaging_service_sid)
        )

    @property
    def has_auth_token(self) -> bool:
        return bool(self.encrypted_auth_token)

    @property
    def auth_token(self) -> str:
        from connectors import secrets

        return secrets.decrypt(self.encrypted_auth_token) if self.encrypted_auth_token else ""

    def set_auth_token(self, token: str) -> None:
        from connectors import secrets

        self.encrypted_auth_token = secrets.encrypt(token) if token else ""
