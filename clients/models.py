"""The account's clients: the people and companies it bills, in the account's own schema.

Clients are not users of this app (they pay through emailed links and, later, the client
portal). Every document sent to a client (payment requests now, quotes and invoices next)
points here; this app knows none of them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
