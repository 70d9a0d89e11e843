"""Automated invoicing: the account's settings, its runs, and the documents each run made.

Exactly once is held by the database, not by a lock in memory:

- one scheduled run per account and period (``one_run_per_period``), and one unfinished run
  at a time (``one_run_in_progress``): a second worker, a second beat, a Run now clicked twice
  all fail to create theirs;
- one document per client, currency and run (``one_document_per_client``), written in the
  same transaction as the charges it bills, which it takes only while they are unbilled (under
  their row locks);
- sending a document is ``payment_requests.services.sending.send_request``: claimed, with an
  idempotency key of our rows for the platform, and its message recorded in the commit that
  marks it sent (``notifications``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing_saas.currencies import CURRENCIES
from clients.models import Client


class Mode(models.TextChoices):
    DRAFT = "draft", _("Draft mode")
    INVOICES = "invoices", _("Send invoices")
    PAYMENT_LINKS = "payment_links", _("Send payment links")


class Cycle(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    BOTH = "both", _("Email and SMS")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AutoInvoicing(models.Model):
    """The account's one row of settings (Settings → Payments → Auto-send invoices)."""

    enabled = models.BooleanField(_("Auto-send invoices"), default=False)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.DRAFT)
    cycle = models.CharField(
        _("billing cycle"), max_length=10, choices=Cycle.choices, default=Cycle.MONTHLY
    )
    weekday = models.PositiveSmallIntegerField(
        _("day of the week"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    month_day = models.PositiveSmallIntegerField(
        _("day of the month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("The 29th, 30th or 31st means the month's last day in shorter months."),
    )
    hour = models.PositiveSmallIntegerField(
        _("at"), default=9, validators=[MinValueValidator(0), MaxValueValidator(23)]
    )
    channel = models.CharField(
        _("tell clients by"), max_length=5, choices=Channel.choices, default=Channel.EMAIL
    )
    due_days = models.PositiveSmallIntegerField(
        _("invoices are due after (days)"),
        default=14,
        validators=[MaxValueValidator(365)],
    )
    # Cycles run for the periods that begin after it was switched on, never for older ones.
    enabled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(hour__gte=0, hour__lte=23), name="auto_invoicing_hour"
            ),
            models.CheckConstraint(
                condition=Q(month_day__gte=1, month_day__lte=31), name="auto_invoicing_month_day"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="auto_invoicing_weekday"
            ),
        ]

    def __str__(self) -> str:
        return "automated invoicing"

    @classmethod
    def current(cls) -> AutoInvoicing:
        return cls.objects.order_by("pk").first() or cls.objects.create()


class InvoicingRun(models.Model):
    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Scheduled")
        MANUAL = "manual", _("Run now")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    # The local day of the cycle a scheduled run is for; a Run now has none.
    period = models.DateField(null=True, blank=True)
    # It bills the unbilled charges due by ``bill_until`` (the account's local day) and
    # created before ``cutoff``: a charge added while it runs goes to the next run.
    bill_until = models.DateField()
    cutoff = models.DateTimeField()
    # The settings it runs with, as they were when it started.
    mode = models.CharField(max_length=20, choices=Mode.choices)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    due_days = models.PositiveSmallIntegerField(default=14)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    # Raised by the worker as it goes: a run not heard from for a while is taken over.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(trigger="schedule"),
                name="one_run_per_period",
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="running"),
                name="one_run_in_progress",
            ),
            models.CheckConstraint(
                condition=Q(trigger="manual") | Q(period__isnull=False),
                name="scheduled_run_has_period",
            ),
        ]

    def __str__(self) -> str:
        return f"run of {self.bill_until}"


class RunDocument(models.Model):
    """The one document a run made for one client (and currency): its charges are its lines."""

    class State(models.TextChoices):
        BILLED = "billed", _("Waiting to be sent")
        DRAFTED = "drafted", _("Draft to review")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        WITHDRAWN = "withdrawn", _("Canceled or deleted")

    run = models.ForeignKey(InvoicingRun, on_delete=models.CASCADE, related_name="documents")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    request = models.OneToOneField(
        "payment_requests.PaymentRequest", on_delete=models.PROTECT, related_name="run_document"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    charges = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.BILLED)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["run", "client_id", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "client", "currency"], name="one_document_per_client"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="failed"),
                name="run_document_retry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} in run {self.run_id}"
