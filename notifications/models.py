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


class SentEmail(models.Model):
    """An email that must reach its recipient at most once, under a key derived from our rows.

    The row is inserted in the same transaction as the send and only commits if the send
    succeeded; a second attempt under the same key waits on the unique index, then finds it.
    """

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


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
