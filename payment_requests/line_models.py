"""A request's lines and the account's tax rates (``payment_requests/totals.py`` prices the
lines; ``payment_requests/services/lines.py`` saves them). Imported by ``models.py``."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class TaxRate(models.Model):
    """A tax the account charges ("GST" 5%, "QST" 9.975%). Lines keep a copy of the rates
    they were priced with, so editing or deactivating a rate never changes a document."""

    name = models.CharField(_("name"), max_length=40)
    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "rate", "pk"]

    def __str__(self) -> str:
        from billing_saas.money_format import format_number
        from payment_requests.totals import plain_decimal

        return gettext("%(name)s (%(rate)s%%)") % {
            "name": self.name,
            "rate": format_number(plain_decimal(self.rate)),
        }


class PricedLine(models.Model):
    """What every document's line holds: quantity × unit price − discount = amount, and a
    snapshot of what it was sold as. Invoices (``DocumentLine``) and quotes
    (``quotes.QuoteLine``) are priced by the same rule (``payment_requests/totals.py``); each
    names its document and its taxes' table."""

    position = models.PositiveIntegerField()
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    discount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2, default=0)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    # What the line bills: free text for now; products and charges will link here later.
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    # The catalog product it was picked from (products/): a link only; the line keeps its own
    # copy of the name, price, unit and taxes, so changing or deleting the product changes
    # nothing here.
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    unit = models.CharField(_("unit"), max_length=10, blank=True)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description

    @property
    def currency(self) -> str:
        """The currency of the document the line belongs to."""
        raise NotImplementedError

    def priced(self):
        from connectors.base import InvoiceLine, Money, TaxLine

        currency = self.currency
        return InvoiceLine(
            description=self.description,
            quantity=self.quantity,
            unit_price=Money(self.unit_price, currency),
            amount=Money(self.amount, currency),
            taxes=tuple(
                TaxLine(tax.name, tax.rate, Money(tax.amount, currency))
                for tax in self.applied_taxes.all()
            ),
            discount=Money(self.discount, currency) if self.discount else None,
            reference=self.reference,
        )


class HasPricedLines:
    """A document whose ``lines`` are ``PricedLine``s (a request, a quote, a recurring
    invoice): its lines and totals as priced when saved."""

    @cached_property
    def document_lines(self):
        """Its lines as priced when saved (``InvoiceLine``s, taxes from their snapshots)."""
        return tuple(line.priced() for line in self.lines.all())

    @cached_property
    def document_totals(self):
        from payment_requests.totals import totals

        return totals(self.document_lines, self.currency)


class AppliedTax(models.Model):
    """A tax applied to a line, copied when the line is saved: what the document says."""

    tax_rate = models.ForeignKey(TaxRate, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=40)
    rate = models.DecimalField(max_digits=6, decimal_places=3)
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.rate}%: {self.amount}"


class DocumentLine(PricedLine):
    """One line of a request: quantity × unit price − discount = amount, plus its taxes."""

    request = models.ForeignKey(
        "payment_requests.PaymentRequest", on_delete=models.CASCADE, related_name="lines"
    )
    tax_rates = models.ManyToManyField(TaxRate, through="LineTax", related_name="+", blank=True)

    class Meta(PricedLine.Meta):
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="one_line_per_position"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0, discount__gte=0), name="line_not_negative"
            ),
        ]

    @property
    def currency(self) -> str:
        return self.request.currency


class LineTax(AppliedTax):
    """A tax applied to a request's line."""

    line = models.ForeignKey(DocumentLine, on_delete=models.CASCADE, related_name="applied_taxes")

    class Meta(AppliedTax.Meta):
        constraints = [
            models.UniqueConstraint(fields=["line", "tax_rate"], name="one_tax_per_rate_per_line")
        ]
