"""How a document's lines add up: one rounding rule, used by the form, the services, the
pages, the emails and what platforms receive.

The rule (``round`` is half up, to the currency's minor unit, ``connectors.money``):

- a line's amount = round(quantity × unit price − discount);
- each tax of a line = round(line amount × rate / 100), per line and per rate;
- the document's subtotal = Σ line amounts; its tax total = Σ every line's taxes;
- the document's total = subtotal + tax total.

Rounding each tax on its own line (not once per rate on the subtotal) keeps every line
exact in the minor unit, so the document's total is the plain sum of what each line shows
and a platform given the lines adds them up to our total. The price of that choice: a tax
summed over many lines may differ by a cent from the rate applied to the subtotal.

A computed line is a ``connectors.base.InvoiceLine``: what billing stores and shows is what
the platform is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from connectors.base import InvoiceLine, Money, TaxLine
from connectors.money import fits_currency, round_to_minor

ZERO = Decimal(0)


@dataclass(frozen=True)
class Rate:
    """A tax to apply: its name ("GST") and rate in percent (Decimal("9.975"))."""

    name: str
    rate: Decimal


class LineRefused(ValueError):
    """A line that cannot be priced; ``field`` names what to correct."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def check_line(quantity: Decimal, unit_price: Decimal, discount: Decimal | None,
               currency: str) -> None:  # fmt: skip
    """Refuses a quantity that is not positive, a negative price, a price or discount finer
    than the currency carries, and a discount below zero or above the line."""
    if quantity is None or quantity <= 0:
        raise LineRefused("quantity", _("The quantity must be greater than zero."))
    if unit_price is None or unit_price < 0:
        raise LineRefused("unit_price", _("The unit price cannot be negative."))
    discount = discount or ZERO
    for field, value in (("unit_price", unit_price), ("discount", discount)):
        if not fits_currency(value, currency):
            raise LineRefused(
                field,
                _("%(currency)s amounts cannot have that many decimals.") % {"currency": currency},
            )
    if discount < 0:
        raise LineRefused("discount", _("The discount cannot be negative."))
    if discount > quantity * unit_price:
        raise LineRefused("discount", _("The discount cannot be more than the line."))


def line_amount(quantity: Decimal, unit_price: Decimal, discount: Decimal | None,
                currency: str) -> Decimal:  # fmt: skip
    return round_to_minor(quantity * unit_price - (discount or ZERO), currency)


def tax_amount(amount: Decimal, rate: Decimal, currency: str) -> Decimal:
    return round_to_minor(amount * rate / 100, currency)


def price_line(description: str, quantity: Decimal, unit_price: Decimal, currency: str, *,
               discount: Decimal | None = None, rates: tuple[Rate, ...] = (),
               reference: str = "") -> InvoiceLine:  # fmt: skip
    """One line, checked (``LineRefused``) and priced by the rule above."""
    check_line(quantity, unit_price, discount, currency)
    amount = line_amount(quantity, unit_price, discount, currency)
    return InvoiceLine(
        description=description,
        quantity=quantity,
        unit_price=Money(unit_price, currency),
        amount=Money(amount, currency),
        taxes=tuple(
            TaxLine(rate.name, rate.rate, Money(tax_amount(amount, rate.rate, currency), currency))
            for rate in rates
        ),
        discount=Money(discount, currency) if discount else None,
        reference=reference,
    )


def plain_decimal(rate: Decimal) -> Decimal:
    """9.975 stays 9.975, 5.000 becomes 5 (not 5E+0 nor 5.000), 10 stays 10."""
    value = rate.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


@dataclass(frozen=True)
class TaxSum:
    """One tax over the whole document, for display: "QST (9.975%): 11.97"."""

    name: str
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Totals:
    currency: str
    subtotal: Decimal
    taxes: tuple[TaxSum, ...]
    tax_total: Decimal
    total: Decimal


def totals(lines: tuple[InvoiceLine, ...] | list[InvoiceLine], currency: str) -> Totals:
    """Subtotal, each tax summed over the lines that pay it (in first-seen order), total."""
    subtotal = sum((line.amount.amount for line in lines), ZERO)
    by_tax: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        for tax in line.taxes:
            key = (tax.name, plain_decimal(tax.rate))
            by_tax[key] = by_tax.get(key, ZERO) + tax.amount.amount
    tax_total = sum(by_tax.values(), ZERO)
    return Totals(
        currency=currency,
        subtotal=subtotal,
        taxes=tuple(TaxSum(name, rate, amount) for (name, rate), amount in by_tax.items()),
        tax_total=tax_total,
        total=subtotal + tax_total,
    )
