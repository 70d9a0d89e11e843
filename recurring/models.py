"""Recurring invoices: a client's invoice written once (lines and taxes, as on any document)
and sent again every week, month… from a start date, for a number of cycles or endlessly.

Exactly once is held by the database: one document per recurring invoice and period
(``one_document_per_period``), written in the transaction that holds the recurring invoice's
row lock and moves its ``next_send_on`` past that period. Sending is
``payment_requests.services.sending.send_request``, itself exactly once.

Its lines are a ``PricedLine`` of its own (as quotes have ``QuoteLine``): the same columns, the
same pricing rule, the same tax snapshot, without pretending a template is a payment request.
Each cycle's invoice gets a copy of them (``payment_requests.services.create_request``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing_saas.currencies import CURRENCIES
from clients.models import Client
from payment_requests.line_models import AppliedTax, HasPricedLines, PricedLine, TaxRate


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")
    BIMONTHLY = "bimonthly", _("Every two months")
    QUARTERLY = "quarterly", _("Every three months")
    HALF_YEARLY = "half_yearly", _("Every six months")
    YEARLY = "yearly", _("Yearly")


class AutoBill(models.TextChoices):
    OFF = "off", _("Off: the client pays from the emailed link")
    DEFAULT_METHOD = "default_method", _("Charge the client's default saved card")


class RecurringInvoice(HasPricedLines, models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        FINISHED = "finished", _("Finished")

    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="recurring_invoices",
        verbose_name=_("client"),
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    description = models.CharField(_("description"), max_length=300)
    # Totals of its lines, as a payment request keeps them: ``total`` is each invoice's amount.
    subtotal = models.DecimalField(_("subtotal"), max_digits=12, decimal_places=2, default=0)
    tax_total = models.DecimalField(_("taxes"), max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, default=0)
    frequency = models.CharField(
        _("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    start_on = models.DateField(_("start date"))
    # Named like automated invoicing's ``hour`` so ``auto_invoicing.calendar.run_time`` serves.
    hour = models.PositiveSmallIntegerField(
        _("send at (hour)"), default=9, validators=[MinValueValidator(0), MaxValueValidator(23)]
    )
    due_days = models.PositiveSmallIntegerField(
        _("due after (days)"),
        default=14,
        validators=[MaxValueValidator(365)],
        help_text=_("Each invoice is due this many days after it is sent."),
    )
    cycles = models.PositiveIntegerField(
        _("number of invoices"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("Leave empty to send it until you stop it."),
    )
    cycles_done = models.PositiveIntegerField(default=0)
    auto_bill = models.CharField(
        _("auto-bill"),
        max_length=20,
        choices=AutoBill.choices,
        default=AutoBill.OFF,
        help_text=_("Each invoice is charged to the client's saved card when it is sent."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    # The local day of the next cycle (sent at ``hour`` that day); none once finished.
    next_send_on = models.DateField(_("next send date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hour__gte=0, hour__lte=23), name="recurring_hour_of_day"
            ),
            models.CheckConstraint(
                condition=Q(cycles__isnull=True) | Q(cycles_done__lte=models.F("cycles")),
                name="recurring_cycles_not_exceeded",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(next_send_on__isnull=False),
                name="recurring_active_has_next_send",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def remaining_cycles(self) -> int | None:
        """Invoices still to send; ``None`` when it has no end."""
        return None if self.cycles is None else self.cycles - self.cycles_done


class RecurringLine(PricedLine):
    recurring = models.ForeignKey(RecurringInvoice, on_delete=models.CASCADE, related_name="lines")
    tax_rates = models.ManyToManyField(
        TaxRate, through="RecurringLineTax", related_name="+", blank=True
    )

    class Meta(PricedLine.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["recurring", "position"], name="one_recurring_line_per_position"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="recurring_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0, discount__gte=0), name="recurring_line_not_negative"
            ),
        ]

    @property
    def currency(self) -> str:
        return self.recurring.currency


class RecurringLineTax(AppliedTax):
    line = models.ForeignKey(RecurringLine, on_delete=models.CASCADE, related_name="applied_taxes")

    class Meta(AppliedTax.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["line", "tax_rate"], name="one_tax_per_rate_per_recurring_line"
            )
        ]


class RecurringDocument(models.Model):
    """The invoice one cycle made: one per recurring invoice and period, ever."""

    recurring = models.ForeignKey(
        RecurringInvoice, on_delete=models.PROTECT, related_name="documents"
    )
    period = models.DateField()  # the local day of the cycle it is for
    request = models.OneToOneField(
        "payment_requests.PaymentRequest",
        on_delete=models.PROTECT,
        related_name="recurring_document",
    )
    # Why it is still a draft (the platform refused, no platform connected), until it is sent.
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Auto-bill as it was when this invoice was made (``recurring/auto_charge.py``), and when
    # its next charge is due: none when auto-bill was off, once paid, or after the last try.
    auto_bill = models.BooleanField(default=False)
    next_charge_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recurring", "period"], name="one_document_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.recurring_id} for {self.period}"


class ChargeAttempt(models.Model):
    """One try at charging an auto-billed invoice to the client's saved card. Exactly one row
    per try (``one_charge_attempt_per_try``), claimed before the platform is called, with the
    idempotency key the platform sees: a crashed try is finished under the same key."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Being charged")
        PAID = "paid", _("Paid")
        AUTHENTICATION_REQUIRED = "authentication_required", _("Confirmation asked by the bank")
        DECLINED = "declined", _("Declined")
        NO_METHOD = "no_method", _("No saved card")

    request = models.ForeignKey(
        "payment_requests.PaymentRequest", on_delete=models.PROTECT, related_name="charge_attempts"
    )
    number = models.PositiveSmallIntegerField()
    idempotency_key = models.CharField(max_length=100, unique=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, default=Outcome.PENDING)
    message = models.TextField(blank=True)
    attempted_at = models.DateTimeField()
    next_try_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "number"], name="one_charge_attempt_per_try"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="charge_attempt_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} try {self.number}"
