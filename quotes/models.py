"""Quotes: what a client is offered before the work, approved or declined online, and turned
into an invoice (a ``payment_requests.PaymentRequest``) once approved.

A quote's lines are priced exactly as an invoice's (``payment_requests/totals.py``): the same
line design (``PricedLine``), the same snapshot of name, price, unit and taxes, so the
invoice it becomes carries the very lines and total the client approved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from billing_saas.currencies import CURRENCIES
from clients.models import Client
from payment_requests.line_models import AppliedTax, HasPricedLines, PricedLine, TaxRate


class Quote(HasPricedLines, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        VIEWED = "viewed", _("Viewed")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        CONVERTED = "converted", _("Converted to invoice")
        CANCELED = "canceled", _("Canceled")

    # The client may still answer: approve or decline.
    OPEN_STATUSES = (Status.SENT, Status.VIEWED)

    number = models.CharField(_("quote number"), max_length=30, unique=True, null=True, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="quotes", verbose_name=_("client")
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    valid_until = models.DateField(_("valid until"))
    notes = models.TextField(_("notes for the client"), max_length=2000, blank=True)
    # Totals of its lines, kept like a payment request's: ``total`` is what the invoice asks.
    subtotal = models.DecimalField(_("subtotal"), max_digits=12, decimal_places=2, default=0)
    tax_total = models.DecimalField(_("taxes"), max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    decline_reason = models.TextField(_("reason"), max_length=1000, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # The employee who approved on the client's behalf; empty when the client approved.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by_client = models.BooleanField(default=False)
    # The invoice it became: one, ever (the unique key stops a second approval making two).
    invoice = models.OneToOneField(
        "payment_requests.PaymentRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quote",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    first_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number or self.title or gettext("Draft quote")

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class QuoteLine(PricedLine):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    tax_rates = models.ManyToManyField(
        TaxRate, through="QuoteLineTax", related_name="+", blank=True
    )

    class Meta(PricedLine.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["quote", "position"], name="one_quote_line_per_position"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="quote_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0, discount__gte=0),
                name="quote_line_not_negative",
            ),
        ]

    @property
    def currency(self) -> str:
        return self.quote.currency


class QuoteLineTax(AppliedTax):
    line = models.ForeignKey(QuoteLine, on_delete=models.CASCADE, related_name="applied_taxes")

    class Meta(AppliedTax.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["line", "tax_rate"], name="one_tax_per_rate_per_quote_line"
            )
        ]


class QuoteStatusChange(models.Model):
    """A quote's history: every move of ``quotes.states``, and notes without one."""

    class Source(models.TextChoices):
        USER = "user", _("a team member")
        CLIENT = "client", _("the client")
        SCHEDULE = "schedule", _("the daily schedule")
        PLATFORM = "platform", _("the payment platform")

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    source = models.CharField(max_length=10, choices=Source.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # English, marked with gettext_noop where written; translated when read.
    note = models.TextField(blank=True)
    note_params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    @property
    def note_text(self) -> str:
        if not self.note:
            return ""
        try:
            return gettext(self.note) % self.note_params if self.note_params else gettext(self.note)
        except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
            return self.note % self.note_params

    @property
    def to_label(self) -> str:
        return Quote.Status(self.to_status).label


class QuoteLink(models.Model):
    """The link a client got: per quote and recipient, only its hash stored, revocable."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="links")
    recipient = models.CharField(max_length=254)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    first_viewed_at = models.DateTimeField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"link to {self.recipient}"


class QuoteNumberSequence(models.Model):
    """The account's quote numbers (Q-00001…), gapless like invoices' and apart from them:
    taken when a quote is first sent (``payment_requests.services.numbering``)."""

    prefix = models.CharField(max_length=12, default="Q-")
    next_value = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.prefix}{self.next_value}"
