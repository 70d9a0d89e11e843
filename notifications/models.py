"""The development outbox: every email (and, later, SMS) the app would have sent.

The table exists in the public schema and in each account's schema; a message is stored in
the schema that was active when it was sent, so an account's outbox only ever shows its own.
"""

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
