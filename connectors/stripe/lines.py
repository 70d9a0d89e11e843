"""A document's lines as Stripe takes them: invoice items or Checkout line items, and the
connected account's tax rates they name.

Stripe's ``quantity`` is a whole number, and it prices a line as quantity × unit amount with
no discount of its own (Stripe's discounts are coupons). So a line goes to Stripe as:

- its quantity and unit price when the quantity is a whole number above one, there is no
  discount and quantity × unit price is exactly the line's amount: Stripe shows "2 × €80.00";
- otherwise as one unit of the line's amount, the quantity, unit price and discount written
  in its description, "Consulting (1.5 × €80.00)": the amount stays ours to the cent, never
  a product Stripe would round.

Each tax of a line is a Stripe ``TaxRate`` (exclusive, by display name and percentage), found
among the account's active ones or created once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from billing_saas.money_format import format_money, format_number
from connectors.base import InvoiceLine
from connectors.money import minor_units


@dataclass(frozen=True)
class Pricing:
    """One line as Stripe prices it: ``quantity`` × ``unit_amount`` (minor units)."""

    description: str
    quantity: int
    unit_amount: int


def pricing(line: InvoiceLine) -> Pricing:
    """How Stripe prices ``line`` (see the module's docstring). Call it in the client's
    language: the quantity written in a description is theirs to read."""
    currency = line.amount.currency
    amount = minor_units(line.amount.amount, currency)
    quantity = line.quantity
    discounted = line.discount is not None and line.discount.amount != 0
    if quantity == 1 and not discounted:
        return Pricing(line.description, 1, amount)
    if quantity == quantity.to_integral_value() and quantity > 1 and not discounted:
        try:
            unit_amount = minor_units(line.unit_price.amount, currency)
        except ValueError:  # a unit price finer than the currency's: only the amount is exact
            unit_amount = None
        if unit_amount is not None and unit_amount * int(quantity) == amount:
            return Pricing(line.description, int(quantity), unit_amount)
    values = {
        "description": line.description,
        "quantity": format_number(quantity.normalize()),
        "unit_price": format_money(line.unit_price.amount, currency),
    }
    if discounted:
        values["discount"] = format_money(line.discount.amount, currency)
        text = _("%(description)s (%(quantity)s × %(unit_price)s − %(discount)s)") % values
    else:
        text = _("%(description)s (%(quantity)s × %(unit_price)s)") % values
    return Pricing(text, 1, amount)


def tax_key(name: str, rate) -> tuple[str, Decimal]:
    """A tax rate's identity for us: its name and percentage (5 and 5.000 are one)."""
    return name, Decimal(str(rate)).normalize()


def tax_rate_ids(platform, lines: tuple[InvoiceLine, ...]) -> dict[tuple[str, Decimal], str]:
    """The connected account's tax rate for each tax the lines name, created when missing.

    Listed on every document rather than cached: the provider may archive a rate on their
    dashboard, and an archived rate is refused on new items. A created rate's idempotency key
    is the connection's and the rate's own, so two documents sent at once make one rate."""
    wanted = {tax_key(tax.name, tax.rate) for line in lines for tax in line.taxes}
    found: dict[tuple[str, Decimal], str] = {}
    params: dict = {"active": True, "inclusive": False, "limit": 100}
    while wanted - found.keys():
        page = platform.api.tax_rates.list(params, platform._options())
        for rate in page["data"]:
            key = tax_key(rate["display_name"], rate["percentage"])
            if key in wanted and not rate.get("inclusive"):
                found.setdefault(key, rate["id"])
        if not page.get("has_more") or not page["data"]:
            break
        params["starting_after"] = page["data"][-1]["id"]
    for name, rate in sorted(wanted - found.keys()):
        found[(name, rate)] = _create_tax_rate(platform, name, rate)
    return found


def _create_tax_rate(platform, name: str, rate: Decimal) -> str:
    """A new exclusive rate. Its key is the connection's and the rate's own, so two documents
    sent at once make one rate. Stripe answers a key it has seen (for a day) with the rate it
    made then, as it was then: when that rate was archived since, the next key follows from
    its id."""
    key = f"tax_rate:{_digest(name, format(rate, 'f'))}"
    while True:
        created = platform.api.tax_rates.create(
            {"display_name": name, "percentage": rate, "inclusive": False},
            platform._options(platform._key(key)),
        )
        if platform.api.tax_rates.retrieve(created["id"], {}, platform._options())["active"]:
            return created["id"]
        key = f"tax_rate:after:{created['id']}"


def _digest(*parts: str) -> str:
    """Names may be any text; idempotency keys travel in an HTTP header."""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def line_taxes(line: InvoiceLine, rate_ids: dict[tuple[str, Decimal], str]) -> list[str]:
    return [rate_ids[tax_key(tax.name, tax.rate)] for tax in line.taxes]
