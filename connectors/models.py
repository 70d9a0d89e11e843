"""An account's connections to payment platforms (in the account's own schema)."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from connectors import secrets


class Connection(models.Model):
    class Platform(models.TextChoices):
        STRIPE = "stripe", "Stripe"
        QUICKBOOKS = "quickbooks", "QuickBooks Payments"

    class Mode(models.TextChoices):
        TEST = "test", _("Test")
        LIVE = "live", _("Live")

    class Status(models.TextChoices):
        CONNECTED = "connected", _("Connected")
        NEEDS_RECONNECTING = "needs_reconnecting", _("Needs reconnecting")
        DISCONNECTED = "disconnected", _("Disconnected")

    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.TEST)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.CONNECTED
    )
    display_name = models.CharField(_("name"), max_length=200, blank=True)
    remote_account_id = models.CharField(_("platform account id"), max_length=100)
    encrypted_secrets = models.TextField(blank=True, editable=False)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "remote_account_id", "mode"],
                condition=~models.Q(status="disconnected"),
                name="one_live_connection_per_platform_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.remote_account_id} ({self.mode})"

    @property
    def secrets(self) -> dict[str, str]:
        """Tokens and keys, decrypted on demand; never stored or logged in clear."""
        return json.loads(secrets.decrypt(self.encrypted_secrets)) if self.encrypted_secrets else {}

    @secrets.setter
    def secrets(self, values: dict[str, str]) -> None:
        self.encrypted_secrets = secrets.encrypt(json.dumps(values))
