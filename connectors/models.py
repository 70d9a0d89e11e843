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
        ONBOARDING = "onboarding", _("Onboarding incomplete")
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
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)
    reconciled_until = models.DateTimeField(null=True, blank=True, editable=False)

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
        """How a connection reads in a list of choices: the business first, the id last."""
        values = {
            "name": self.display_name,
            "platform": self.get_platform_display(),
            "mode": self.get_mode_display(),
            "account": self.remote_account_id,
        }
        if self.display_name:
            return _("%(name)s — %(platform)s, %(mode)s mode (%(account)s)") % values
        return _("%(platform)s, %(mode)s mode (%(account)s)") % values

    @property
    def name(self) -> str:
        """The business or company name the platform gave us; its id until we know it."""
        return self.display_name or self.remote_account_id

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.CONNECTED

    @property
    def secrets(self) -> dict[str, str]:
        """Tokens and keys, decrypted on demand; never stored or logged in clear."""
        return json.loads(secrets.decrypt(self.encrypted_secrets)) if self.encrypted_secrets else {}

    @secrets.setter
    def secrets(self, values: dict[str, str]) -> None:
        self.encrypted_secrets = secrets.encrypt(json.dumps(values))


class InboundEvent(models.Model):
    """A platform event received (webhook) or fetched (reconciliation), stored exactly once."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPLIED = "applied", _("Applied")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="events")
    event_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=100)
    payload = models.JSONField()
    source = models.CharField(max_length=20, default="webhook")
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    note = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["received_at"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "event_id"], name="event_stored_once")
        ]
        indexes = [
            # The drain's claim (connectors/inbox.py): events never tried, oldest first; a
            # few rows of a table that keeps every event.
            models.Index(
                fields=["id"],
                condition=models.Q(processed_at__isnull=True, attempts=0),
                name="inbox_never_tried",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class RemoteObject(models.Model):
    """Our mirror of a platform invoice or payment link: state only ever moves forward."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        PAYMENT_LINK = "payment_link", _("Payment link")

    connection = models.ForeignKey(
        Connection, on_delete=models.PROTECT, related_name="remote_objects"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    remote_id = models.CharField(max_length=100)
    local_ref = models.CharField(max_length=100, blank=True, db_index=True)
    status = models.CharField(max_length=20, default="draft")
    currency = models.CharField(max_length=3)
    amount_due = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    amount_paid = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    pay_url = models.URLField(max_length=1000, blank=True)
    pay_url_expires_at = models.DateTimeField(null=True, blank=True)
    last_failure = models.TextField(blank=True)
    needs_attention = models.BooleanField(default=False)
    attention_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "remote_id"], name="remote_object_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.remote_id} ({self.status})"


class RemotePayment(models.Model):
    """Money the platform reports received; one row per platform payment, never duplicated."""

    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="payments")
    remote_object = models.ForeignKey(
        RemoteObject, on_delete=models.PROTECT, related_name="payments"
    )
    remote_payment_id = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=14, decimal_places=4)
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=100, blank=True)
    paid_at = models.DateTimeField()
    amount_refunded = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "remote_payment_id"], name="payment_recorded_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.remote_payment_id})"
