"""What lets a client into its portal: the links we email it and the sessions they open.

Both hold only the SHA-256 of their secret (README, *Tokens in links*). A portal session is
not Django's session: it lives in its own table and its own cookie, is bound to one client of
this account (the schema is the account) and never signs anyone in as staff, nor the reverse.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from clients.models import Client


class PortalLink(models.Model):
    """A link that signs ``client`` into the portal on ``target``: once, until ``expires_at``.

    One per message sent (per recipient): a link forwarded by the client is that client's.
    ``recipient`` is where the message went: an email address, or the mobile number (E.164)
    an SMS went to."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="portal_links")
    recipient = models.CharField(max_length=254)
    token_hash = models.CharField(max_length=64, unique=True)
    target = models.CharField(max_length=200)  # a path under /portal/
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"portal link of client {self.client_id} to {self.target}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()

    @property
    def was_texted(self) -> bool:
        """Sent by SMS (to a number), not by email."""
        return "@" not in self.recipient


class PortalSession(models.Model):
    """A client signed into the portal, from one browser (its cookie holds the key)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="portal_sessions")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # A member who opened the portal as this client (issue 18's "Open the client's portal").
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"portal session of client {self.client_id}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None and self.expires_at > timezone.now()


class PortalSettings(models.Model):
    """The account's one row of portal settings (Settings → Client portal), at pk 1: saving
    goes through ``update_or_create(pk=1)``, so two saves at once still make one row."""

    SINGLETON = 1

    registration_enabled = models.BooleanField(
        _("Let anyone register as a new client"), default=False
    )

    def __str__(self) -> str:
        return "client portal settings"

    @classmethod
    def read(cls) -> PortalSettings:
        """The saved settings, or the defaults unsaved: public pages read, never write."""
        return cls.objects.filter(pk=cls.SINGLETON).first() or cls(pk=cls.SINGLETON)


class PortalRegistration(models.Model):
    """Someone who asked to become a client, until they open the link emailed to the address
    they gave (once, until ``expires_at``). No ``Client`` exists before that: a registration
    nobody confirms leaves only this row. ``client`` is the one the link signed in as."""

    name = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True)
    email = models.EmailField()
    mobile = PhoneNumberField(blank=True)
    language = models.CharField(max_length=8, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        # Verifying locks every registration of the address, found by email__iexact.
        indexes = [models.Index(Upper("email"), name="portal_registration_by_email")]

    def __str__(self) -> str:
        return f"portal registration {self.pk}"
