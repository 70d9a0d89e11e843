"""Plans (a recurring price) and the subscriptions clients took through a subscription link,
mirrored from the platform, which alone decides their status and periods."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from billing_saas.currencies import CURRENCIES


class Interval(models.TextChoices):
    WEEK = "week", _("week")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class Plan(models.Model):
    name = models.CharField(_("name"), max_length=200)
    price = models.DecimalField(
        _("price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    interval = models.CharField(
        _("billed every"), max_length=8, choices=Interval.choices, default=Interval.MONTH
    )
    interval_count = models.PositiveSmallIntegerField(
        _("number of intervals"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    # Plans of one group are the ones a client may switch between.
    group = models.CharField(_("group"), max_length=100, blank=True)
    product = models.ForeignKey(
        "products.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "price", "pk"]

    def __str__(self) -> str:
        return self.name


class PlanPrice(models.Model):
    """The plan's recurring price on one connected platform account, created on first use."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="remote_prices")
    connection = models.ForeignKey(
        "connectors.Connection", on_delete=models.PROTECT, related_name="+"
    )
    remote_id = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "connection"], name="one_price_per_plan"),
            models.UniqueConstraint(fields=["connection", "remote_id"], name="unique_remote_price"),
        ]

    def __str__(self) -> str:
        return self.remote_id


class Subscription(models.Model):
    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", _("Incomplete")
        INCOMPLETE_EXPIRED = "incomplete_expired", _("Never started")
        ACTIVE = "active", _("Active")
        TRIALING = "trialing", _("Trial")
        PAST_DUE = "past_due", _("Past due")
        UNPAID = "unpaid", _("Unpaid")
        PAUSED = "paused", _("Paused")
        CANCELED = "canceled", _("Canceled")

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    connection = models.ForeignKey(
        "connectors.Connection", on_delete=models.PROTECT, related_name="+"
    )
    remote_id = models.CharField(max_length=100)
    plan = models.ForeignKey(
        Plan, null=True, on_delete=models.PROTECT, related_name="subscriptions"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    current_period_end = models.DateTimeField(_("renews on"), null=True)
    cancel_at_period_end = models.BooleanField(default=False)
    cancellation_requested_at = models.DateTimeField(null=True, blank=True)
    # The newest platform event applied: its state is fetched, so older ones change nothing.
    last_event_at = models.DateTimeField(null=True)
    synced_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "remote_id"], name="one_subscription_per_remote_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan or self.remote_id} ({self.client})"


class SubscriptionSettings(models.Model):
    """What the provider lets clients do with their subscriptions in the portal."""

    class Cancellation(models.TextChoices):
        OFF = "off", _("Clients cannot ask to cancel")
        STAFF = "staff", _("Clients ask the team, who cancel it")
        PERIOD_END = "period_end", _("Clients cancel at the end of the paid period")

    allow_cancellation = models.CharField(
        _("cancellation"), max_length=12, choices=Cancellation.choices, default=Cancellation.STAFF
    )
    allow_plan_switch = models.BooleanField(_("clients may switch plans"), default=True)

    def __str__(self) -> str:
        return str(_("Subscription options"))

    @classmethod
    def current(cls) -> SubscriptionSettings:
        return cls.objects.order_by("pk").first() or cls()
