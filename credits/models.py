"""Credit notes: what the provider credits a client (a refund owed, a goodwill gesture), with
an amount and a reason, and where each credit went.

A credit note is used in one of two ways, as staff choose (and may change while anything is
left): applied to the client's next invoices in its currency (``CreditApplication``: the
invoice is sent for what is left to pay, and a ``Payment`` of source *credit* records the part
the credit paid), or refunded (``CreditRefund``: money the provider paid back outside the
app). ``remaining`` is what is still to use; the database keeps it from going below zero.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing_saas.currencies import CURRENCIES
from clients.models import Client
from payment_requests.models import Payment, PaymentRequest


class CreditNumberSequence(models.Model):
    """The account's credit note numbers (CR-00001…), gapless and apart from invoices'
    (``payment_requests.services.numbering``)."""

    prefix = models.CharField(max_length=12, default="CR-")
    next_value = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.prefix}{self.next_value}"


class CreditNote(models.Model):
    class Use(models.TextChoices):
        APPLY = "apply", _("Apply to the client's next invoice")
        REFUND = "refund", _("Refund to the client")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("client")
    )
    number = models.CharField(_("number"), max_length=30, unique=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("reason"), max_length=500)
    use = models.CharField(_("use"), max_length=10, choices=Use.choices, default=Use.APPLY)
    # Kept with the applications and refunds that make them, in the same transactions.
    amount_applied = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now, db_index=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The issue form's own key: a double click issues one credit note.
    entry_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        indexes = [
            # What sending an invoice reads: the client's credit to apply, in its currency.
            models.Index(
                fields=["client", "currency", "issued_at"],
                condition=Q(use="apply", voided_at__isnull=True),
                name="credit_to_apply",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_applied__gte=0, amount_refunded__gte=0),
                name="credit_used_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=F("amount_applied") + F("amount_refunded")),
                name="credit_remaining_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.amount_applied - self.amount_refunded

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    @property
    def can_be_voided(self) -> bool:
        """Only a credit note nothing was taken from (an application given back counts as
        nothing taken)."""
        return not self.is_void and not self.amount_applied and not self.amount_refunded

    @property
    def is_available(self) -> bool:
        return not self.is_void and self.remaining > 0


class CreditApplication(models.Model):
    """Part of a credit note paying part (or all) of one invoice. Given back (``released_at``)
    when the invoice will never be paid, or when the platform refused to send it."""

    credit_note = models.ForeignKey(
        CreditNote, on_delete=models.PROTECT, related_name="applications"
    )
    request = models.ForeignKey(
        PaymentRequest, on_delete=models.PROTECT, related_name="credit_applications"
    )
    # The invoice's record of what the credit paid (``Payment.Source.CREDIT``).
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="credit")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    applied_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["applied_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="application_amount_positive"),
            # A send retried, or a stale claim taken over, never applies a credit twice.
            models.UniqueConstraint(
                fields=["credit_note", "request"],
                condition=Q(released_at__isnull=True),
                name="one_live_application_per_invoice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.credit_note_id} → {self.request_id}: {self.amount}"

    @property
    def is_live(self) -> bool:
        return self.released_at is None


class CreditRefund(models.Model):
    """Money the provider paid back to the client outside the app, from a credit note."""

    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    method = models.CharField(_("method"), max_length=20, choices=Payment.Method.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    refunded_on = models.DateField(_("date refunded"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # The form's own key: the same form posted twice records one refund.
    entry_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["refunded_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_refund_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} of {self.credit_note_id}"
