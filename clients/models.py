"""The account's clients: the people and companies it bills, in the account's own schema.

Clients are not users of this app (they pay through emailed links and, later, the client
portal). Every document sent to a client (payment requests now, quotes and invoices next)
points here; this app knows none of them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from billing_saas.currencies import CURRENCIES


class ClientQuerySet(models.QuerySet):
    def matching(self, text: str) -> ClientQuerySet:
        """Clients whose name, company or email contains ``text`` (all of them without)."""
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text) | Q(company__icontains=text) | Q(email__icontains=text)
        )


class Client(models.Model):
    name = models.CharField(_("name"), max_length=200)
    company = models.CharField(_("company"), max_length=200, blank=True)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Where its SMS go, in E.164 (+33612345678): typed without "+", the account's country's.
    mobile = PhoneNumberField(_("mobile"), blank=True, db_index=True)
    # The client texted STOP to our sender (notifications/twilio_inbound.py); START undoes it.
    sms_opted_out = models.BooleanField(_("opted out of SMS"), default=False)
    sms_opted_out_at = models.DateTimeField(_("opted out of SMS at"), null=True, blank=True)
    address = models.TextField(_("address"), blank=True)
    preferred_currency = models.CharField(
        _("preferred currency"), max_length=3, choices=CURRENCIES, default="EUR"
    )
    # Its emails and pay pages; blank: the account's language (billing_saas/languages.py).
    language = models.CharField(_("language"), max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            # Named: the index came from payment_requests, renamed with its table.
            models.Index(fields=["email"], name="client_by_email"),
            # The client filter's suggestions, in name order, stop after a few matches.
            models.Index(fields=["name", "id"], name="client_by_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name


class SmsKeyword(models.Model):
    """An inbound STOP or START that changed this account's clients, once per Twilio message:
    a replayed or re-delivered webhook finds its ``message_sid`` here and changes nothing."""

    message_sid = models.CharField(max_length=34, unique=True)
    mobile = models.CharField(max_length=16)
    opted_out = models.BooleanField()
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{'STOP' if self.opted_out else 'START'} from {self.mobile}"
