"""The payment requests sent to clients (``clients``), in the provider account's own schema.

A client is a person or company the provider bills; clients are not users of this app (they
pay through emailed links and, later, the client portal). One payment request is one
document to collect: lines (quantity, unit price, discount, taxes) whose total is its amount
(``payment_requests/totals.py`` has the rounding rule); later, products and charges will be
what its lines bill.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import connection as db_connection
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from billing_saas.currencies import CURRENCIES
from clients.models import Client
from connectors.models import Connection, RemoteObject, RemotePayment
from payment_requests.line_models import (  # noqa: F401 - with the others
    DocumentLine,
    HasPricedLines,
    LineTax,
    TaxRate,
)
from payment_requests.pdf_models import DocumentPdf  # noqa: F401 - with the others


class PlatformCustomer(models.Model):
    """The client's customer id on one connected platform account, created once."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="platform_ids")
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    remote_id = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "connection"], name="one_customer_per_platform"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id} on {self.connection_id}: {self.remote_id}"


class PaymentRequest(HasPricedLines, models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice (after service)")
        # Quotes are their own documents: a request is asked for after or before service.
        PROPOSAL = "proposal", _("Proposal (before service)")
        DEPOSIT = "deposit", _("Deposit")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent (pending)")
        PAID = "paid", _("Paid")
        OVERDUE = "overdue", _("Overdue")
        EXPIRED = "expired", _("Expired")
        CANCELED = "canceled", _("Canceled")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")

    class BillingType(models.TextChoices):
        INVOICE = "invoice", _("Invoice with a due date")
        PAYMENT_LINK = "payment_link", _("One-off payment link (expires after 24 hours)")

    OPEN_STATUSES = (Status.SENT, Status.OVERDUE)
    # The client's money came in; some or all of it may have gone back since.
    PAID_STATUSES = (Status.PAID, Status.PARTIALLY_REFUNDED, Status.REFUNDED)
    # Once sent, the client has these by email: only the description may still change.
    LOCKED_FIELDS = ("kind", "amount", "currency", "client", "due_date", "billing_type")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INVOICE)
    description = models.CharField(_("description"), max_length=300)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="requests", verbose_name=_("client")
    )
    # The document's total (its lines' amounts plus their taxes): what the client pays.
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    subtotal = models.DecimalField(_("subtotal"), max_digits=12, decimal_places=2, default=0)
    tax_total = models.DecimalField(_("taxes"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    due_date = models.DateField(_("due date"))

    class NotifyBy(models.TextChoices):
        CLIENT = "", _("As the client's record says (email, and SMS to a valid mobile number)")
        EMAIL = "email", _("Email only")
        SMS = "sms", _("SMS only")
        BOTH = "both", _("Email and SMS")

    notify_by = models.CharField(
        _("tell the client by"), max_length=5, choices=NotifyBy.choices, blank=True, default=""
    )
    billing_type = models.CharField(
        _("billing type"), max_length=20, choices=BillingType.choices, default=BillingType.INVOICE
    )
    success_url = models.URLField(_("after payment, send the client to"), blank=True)
    cancel_url = models.URLField(_("if the client cancels, send them to"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    number = models.CharField(
        _("invoice number"), max_length=30, unique=True, null=True, blank=True
    )
    connection = models.ForeignKey(
        Connection, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    remote = models.OneToOneField(
        RemoteObject,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_request",
    )
    send_attempt = models.PositiveIntegerField(default=1, editable=False)
    last_error = models.TextField(_("platform error"), blank=True)
    payment_failure = models.CharField(_("last failed payment"), max_length=300, blank=True)
    amount_paid = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # The sum of its payments' refunds (``Payment.amount_refunded``), kept with them.
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    first_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # The dashboard reads one page of live requests, newest first, with or without a
        # status: through these, without sorting the account's whole history.
        indexes = [
            models.Index(
                models.F("created_at").desc(),
                models.F("id").desc(),
                condition=models.Q(deleted_at__isnull=True),
                name="request_live_newest",
            ),
            models.Index(
                "status",
                models.F("created_at").desc(),
                models.F("id").desc(),
                condition=models.Q(deleted_at__isnull=True),
                name="request_live_by_status",
            ),
        ]

    def __str__(self) -> str:
        return self.number or self.description

    @property
    def is_locked(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def is_payable(self) -> bool:
        """The client can pay it through the emailed link: sent and still open on the platform.

        Deleting does not cancel (the seed's promise): a deleted request stays payable."""
        return self.status in self.OPEN_STATUSES

    @property
    def pays_online(self) -> bool:
        """Payable on the platform's page: marked sent by hand, it has no platform invoice,
        and its client is asked to contact the provider instead."""
        return self.is_payable and self.remote_id is not None

    @property
    def can_be_reminded(self) -> bool:
        return self.is_payable and self.deleted_at is None

    @property
    def balance_due(self):
        return max(self.amount - self.amount_paid, 0)

    @property
    def is_paid(self) -> bool:
        """Paid, refunded or not since: nothing is due any more."""
        return self.status in self.PAID_STATUSES

    @property
    def net_paid(self):
        """What the client paid and keeps paid: payments less refunds."""
        return max(self.amount_paid - self.amount_refunded, 0)

    @property
    def platform_name(self) -> str:
        return self.connection.get_platform_display() if self.connection else ""

    @property
    def is_itemized(self) -> bool:
        """More to show than its description and amount: several lines, a quantity, a
        discount or a tax (a one-line request reads as it always did)."""
        lines = self.document_lines
        if len(lines) != 1:
            return len(lines) > 1
        (line,) = lines
        return bool(
            line.taxes
            or line.discount
            or line.quantity != 1
            or line.description != self.description
        )


class StatusChange(models.Model):
    class Source(models.TextChoices):
        USER = "user", _("a team member")
        PLATFORM = "platform", _("the payment platform")
        SCHEDULE = "schedule", _("the daily schedule")
        CLIENT = "client", _("the client")
        UPDATE = "update", _("an update of the product")
        AUTOMATION = "automation", _("automated invoicing")

    request = models.ForeignKey(PaymentRequest, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    source = models.CharField(max_length=10, choices=Source.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The English message (marked with gettext_noop where it is written) and its values:
    # the history is read in each reader's language, not in the writer's.
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
        translated = gettext(self.note)
        if not self.note_params:
            return translated
        params = self.note_params
        if "currency" in params:  # an amount, kept as a string: written the reader's way
            from billing_saas.money_format import format_money

            params = {**params, "amount": format_money(params.get("amount"), params["currency"])}
        try:
            return translated % params
        except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
            return self.note % params

    @property
    def to_label(self) -> str:
        return PaymentRequest.Status(self.to_status).label


class RequestLink(models.Model):
    """The emailed link: per request and recipient, stored hashed, revocable."""

    request = models.ForeignKey(PaymentRequest, on_delete=models.CASCADE, related_name="links")
    recipient = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    first_viewed_at = models.DateTimeField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"link to {self.recipient}"


class Payment(models.Model):
    """Billing's ledger of money received: which request a payment paid, how much, and how
    much of it was refunded since.

    A *platform* payment mirrors a ``RemotePayment`` (``connectors``), the platform's fact,
    kept as the platform tells it, which may belong to no request at all (an invoice made on
    the platform itself). Both are written in the same change (``platform_changes``), and a
    refund only ever grows here as it does there. A *manual* payment is one a team member
    recorded (*Mark paid*: cash, a bank transfer…): it has no platform payment, says who
    recorded it, and may be undone, which keeps the row (``undone_at``) so the history stays.
    This is what the panel, the emails, the totals and the client portal read.
    """

    class Source(models.TextChoices):
        PLATFORM = "platform", _("Payment platform")
        MANUAL = "manual", _("Recorded by hand")
        # The part of an invoice a credit note paid (``credits``): no money moved, so the
        # portal's payments, receipts and statements never show it as money received.
        CREDIT = "credit", _("Credit note")

    class Method(models.TextChoices):
        # What a team member may record; a platform payment keeps the platform's own words.
        CASH = "cash", _("Cash")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CHEQUE = "cheque", _("Cheque")
        CARD_IN_PERSON = "card_in_person", _("Card, in person")
        OTHER = "other", _("Other")

    request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="payments")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PLATFORM)
    remote_payment = models.OneToOneField(
        RemotePayment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=100, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    paid_at = models.DateTimeField()
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    refunded_at = models.DateTimeField(null=True, blank=True)  # the latest refund
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The *Mark paid* form's own key: a double click or a resubmitted form records one payment.
    entry_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_at", "pk"]
        constraints = [
            # A platform payment always mirrors the platform's; a manual one or a credit never.
            models.CheckConstraint(
                condition=models.Q(source="platform", remote_payment__isnull=False)
                | models.Q(source__in=["manual", "credit"], remote_payment__isnull=True),
                name="payment_source_matches_remote",
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    @property
    def method_label(self):
        """A manual payment's method in the reader's language; a platform's, as it said it;
        a credit's, the credit note's number."""
        if self.source == self.Source.CREDIT:
            return gettext("Credit note %(number)s") % {"number": self.reference}
        return self.Method(self.method).label if self.method in self.Method.values else self.method

    @property
    def can_be_undone(self) -> bool:
        return self.source == self.Source.MANUAL and self.undone_at is None


class Reminder(models.Model):
    """A reminder sent; automatic steps ("before-3", "after-7") are sent once per request."""

    request = models.ForeignKey(PaymentRequest, on_delete=models.CASCADE, related_name="reminders")
    step = models.CharField(max_length=40)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "step"], name="one_reminder_per_step")
        ]

    def __str__(self) -> str:
        return self.step


def attachment_path(instance, filename: str) -> str:
    # Never the uploaded name: a random one under the account's own folder.
    suffix = Path(filename).suffix.lower()[:10]
    return f"tenants/{db_connection.schema_name}/attachments/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    request = models.ForeignKey(
        PaymentRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class NumberSequence(models.Model):
    """The account's invoice numbers: taken when a request is first sent and kept by it through
    retries (deleted requests keep theirs too), so the platform shows our number and none is
    skipped."""

    prefix = models.CharField(max_length=12, default="INV-")
    next_value = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.prefix}{self.next_value}"


def logo_path(instance, filename: str) -> str:
    suffix = Path(filename).suffix.lower()[:10]
    return f"tenants/{db_connection.schema_name}/branding/logo-{uuid.uuid4().hex[:8]}{suffix}"


class BillingSettings(models.Model):
    remind_before_days = models.CharField(
        _("remind before the due date (days)"),
        max_length=40,
        default="3",
        help_text=_("Comma-separated, e.g. 7,3"),
    )
    remind_after_days = models.CharField(
        _("remind after the due date (days)"),
        max_length=40,
        default="1,7",
    )
    sender_name = models.CharField(
        _("sender name"),
        max_length=80,
        blank=True,
        help_text=_("Shown as the sender of emails to your clients (default: your company)."),
    )
    brand_color = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#4f46e5",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour like #4f46e5."))],
    )
    logo = models.FileField(_("logo"), upload_to=logo_path, blank=True, max_length=300)
    # Printed on invoices (and quotes) under the account's name.
    address = models.TextField(_("your address"), blank=True, max_length=500)
    tax_ids = models.TextField(
        _("your tax numbers"),
        blank=True,
        max_length=300,
        help_text=_("One per line, as printed on invoices, e.g. GST 123456789 RT0001"),
    )
    attach_pdf = models.BooleanField(
        _("Attach invoices and quotes as PDF to emails"),
        default=False,
        help_text=_(
            "Clients get the invoice or the quote as a PDF file with the email that sends it."
        ),
    )

    def __str__(self) -> str:
        return "billing settings"

    @classmethod
    def current(cls) -> BillingSettings:
        return cls.objects.order_by("pk").first() or cls.objects.create()

    @staticmethod
    def _days(value: str) -> list[int]:
        from billing_saas.query_params import positive_int

        return sorted({day for part in value.split(",") if (day := positive_int(part))})

    @property
    def before_days(self) -> list[int]:
        return self._days(self.remind_before_days)

    @property
    def after_days(self) -> list[int]:
        return self._days(self.remind_after_days)


class BillingAccess(models.Model):
    """Employees given access to Client Billing (billing administrators always have it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="billing_access"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"access for {self.user_id}"
