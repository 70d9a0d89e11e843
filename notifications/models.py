"""The development outbox: every email (and, later, SMS) the app would have sent.

The table exists in the public schema and in each account's schema; a message is stored in
the schema that was active when it was sent, so an account's outbox only ever shows its own.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    subject = models.CharField(max_length=998, blank=True)
    from_address = models.CharField(max_length=320, blank=True)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list)
    bcc = models.JSONField(default=list)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    raw = models.BinaryField(help_text="The whole MIME message, attachments included.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject

    @property
    def recipients(self) -> str:
        return ", ".join(self.to + self.cc + self.bcc)


class Message(models.Model):
    """One message to one recipient on one channel: the delivery record, and the idempotency
    of every message (``key`` is unique, so a second ``notify`` under a key sends nothing).

    Rendered when it is asked for (the caller's context is at hand then), and handed over by
    a worker (``notifications/delivery.py``): queued → sending → sent → delivered, or failed /
    bounced with the provider's reason. ``content`` keeps the rendered message until it left,
    encrypted with the connector keys: it carries links that only their reader may hold.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")
        # Outdated before it could leave (a reminder for a request paid meanwhile).
        DROPPED = "dropped", _("Not sent")

    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=OutboxMessage.Channel.choices)
    purpose = models.CharField(max_length=60, blank=True)
    to = models.CharField(_("to"), max_length=320, blank=True)
    recipient_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    # What the message is about, for its pages: ("payment_request", 12). Not foreign keys:
    # the table is also in the root domain's schema, where those tables do not exist.
    document_type = models.CharField(max_length=40, blank=True)
    document_id = models.BigIntegerField(null=True, blank=True)
    client_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    content = models.TextField(blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    provider_id = models.CharField(max_length=200, blank=True)
    error = models.TextField(_("reason"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    PROBLEMS = (Status.FAILED, Status.BOUNCED)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["document_type", "document_id", "-created_at"], name="message_document"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}: {self.status}"

    @property
    def has_problem(self) -> bool:
        """Failed, bounced, or waiting for another try after a failure: people must see it."""
        return self.status in self.PROBLEMS or (
            self.status == self.Status.QUEUED and bool(self.error)
        )

    @property
    def purpose_label(self) -> str:
        from notifications.purposes import LABELS

        return str(LABELS.get(self.purpose, self.purpose))

    @property
    def can_resend(self) -> bool:
        return self.status in self.PROBLEMS and bool(self.content)


class EmailSending(models.Model):
    """How this account's emails leave: the product's own sending, or the account's SMTP server.

    One row per account (``current()``). The password is stored encrypted with the connector
    keys (``connectors/secrets.py``) and rotated with them; it is never shown again.
    """

    class Mode(models.TextChoices):
        DEFAULT = "default", _("Default sending")
        CUSTOM = "custom", _("Custom SMTP")

    class Security(models.TextChoices):
        STARTTLS = "starttls", _("STARTTLS")
        SSL = "ssl", _("SSL/TLS")
        NONE = "none", _("None (unencrypted)")

    mode = models.CharField(_("sending"), max_length=8, choices=Mode.choices, default=Mode.DEFAULT)
    host = models.CharField(_("host"), max_length=253, blank=True)
    port = models.PositiveIntegerField(_("port"), default=587)
    security = models.CharField(
        _("security"), max_length=8, choices=Security.choices, default=Security.STARTTLS
    )
    username = models.CharField(_("user name"), max_length=254, blank=True)
    encrypted_password = models.TextField(blank=True, editable=False)
    from_address = models.CharField(
        _("From"),
        max_length=320,
        blank=True,
        help_text=_("The address your clients receive your emails from."),
    )
    reply_to = models.EmailField(
        _("Reply-To"), blank=True, help_text=_("Where your clients' replies go.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.get_mode_display()

    @classmethod
    def current(cls) -> EmailSending:
        return cls.objects.order_by("pk").first() or cls.objects.create()

    @property
    def is_custom(self) -> bool:
        return self.mode == self.Mode.CUSTOM

    @property
    def has_password(self) -> bool:
        return bool(self.encrypted_password)

    @property
    def password(self) -> str:
        from connectors import secrets

        return secrets.decrypt(self.encrypted_password) if self.encrypted_password else ""

    def set_password(self, password: str) -> None:
        from connectors import secrets

        self.encrypted_password = secrets.encrypt(password) if password else ""


from notifications.sms_settings import SmsSending  # noqa: E402,F401
