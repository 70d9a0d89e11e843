"""Charges: what a client owes that no document bills yet.

A charge comes from a booking of a priced service, a package, a product sale, or is added by
hand (or through the API, by a booking tool). Automated invoicing (``auto_invoicing``) gathers
a client's due, unbilled charges into one document, whose lines they become; the charge then
points at that document (``request``) until it is paid. A document canceled, expired or
deleted before it was paid gives its charges back (unbilled), so the next cycle bills them:
a due charge is never lost, and a charge is never in two documents.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing_saas.currencies import CURRENCIES
from clients.models import Client


class Charge(models.Model):
    class Source(models.TextChoices):
        BOOKING = "booking", _("Booking")
        PACKAGE = "package", _("Package")
        PRODUCT_SALE = "product_sale", _("Product sale")
        MANUAL = "manual", _("Added by hand")

    class State(models.TextChoices):
        UNBILLED = "unbilled", _("Unbilled")
        BILLED = "billed", _("Billed")
        PAID = "paid", _("Paid")
        CANCELED = "canceled", _("Canceled")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="charges", verbose_name=_("client")
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    # quantity × unit price, rounded to the currency (payment_requests/totals.py): the line's.
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    due_date = models.DateField(_("due date"))
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    product = models.ForeignKey(
        "products.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("product or service"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.UNBILLED
    )
    # The document it went into (an invoice, a payment link or a draft).
    request = models.ForeignKey(
        "payment_requests.PaymentRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charges",
    )
    # The document that last gave it back (canceled, expired, a deleted draft): money that
    # still arrives for that document pays it (``services.follow_settled_request``).
    released_from = models.ForeignKey(
        "payment_requests.PaymentRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The caller's own id (a booking tool's): the same id twice is the same charge, once.
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    billed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            # What a cycle reads: the unbilled charges due by a date, client by client.
            models.Index(
                fields=["client", "currency", "due_date"],
                condition=Q(state="unbilled"),
                name="charge_unbilled_by_client",
            ),
            models.Index(fields=["client", "-due_date"], name="charge_by_client"),
            models.Index(fields=["state", "due_date"], name="charge_by_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="one_charge_per_external_id",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="charge_quantity_positive"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="charge_amount_not_negative"),
            # Billed and paid charges name their document; unbilled ones have none.
            models.CheckConstraint(
                condition=Q(state__in=["billed", "paid"], request__isnull=False)
                | Q(state__in=["unbilled", "canceled"], request__isnull=True),
                name="charge_document_matches_state",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class ApiKey(models.Model):
    """A key a booking tool sends (``Authorization: Bearer …``) to add charges to this account.

    Only a SHA-256 of the secret is stored, so the key is shown once, when it is made; the
    prefix (its first characters) lets people tell their keys apart. A key lives in its
    account's schema: another account's key is simply unknown here."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
