"""Invoice items, and the invoice totals they make.

An item is priced by ``amount`` (quantity 1) or by ``quantity`` × ``unit_amount_decimal``
(rounded half up to the minor unit), and taxed by its ``tax_rates``, each on its own
(``tax_rates.tax_on``). The invoice's ``subtotal`` is the sum of its lines, ``total_taxes``
the sum of their taxes per rate, ``total`` both together, and ``amount_due`` the total, or
zero when negative items (credits) take it below zero.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from emulators.stripe.objects import build, new_id
from emulators.stripe.state.core import AccountData, StripeError, _int
from emulators.stripe.state.tax_rates import tax_on


def line_taxes(amount: int, rates: list[dict]) -> list[dict]:
    """An invoice line's ``taxes``: one entry per rate, as Stripe writes them."""
    return [
        {
            "amount": tax_on(amount, rate),
            "tax_behavior": "exclusive",
            "tax_rate_details": {"tax_rate": rate["id"]},
            "taxability_reason": None,
            "taxable_amount": amount,
            "type": "tax_rate_details",
        }
        for rate in rates
    ]


def recompute_totals(invoice: dict) -> None:
    """The invoice's amounts from its lines (a draft's change as Stripe recomputes them)."""
    lines = invoice["lines"]["data"]
    subtotal = sum(line["amount"] for line in lines)
    per_rate: dict[str, dict] = {}
    for tax in (tax for line in lines for tax in line["taxes"] or ()):
        rate_id = tax["tax_rate_details"]["tax_rate"]
        total = per_rate.setdefault(rate_id, {**tax, "amount": 0, "taxable_amount": 0})
        total["amount"] += tax["amount"]
        total["taxable_amount"] += tax["taxable_amount"]
    tax = sum(entry["amount"] for entry in per_rate.values())
    # A negative item (a credit) lowers the total; below zero, Stripe asks for nothing and
    # credits the customer's balance with the rest.
    due = max(subtotal + tax, 0)
    invoice.update(
        subtotal=subtotal,
        subtotal_excluding_tax=subtotal,
        total_excluding_tax=subtotal,
        total_taxes=list(per_rate.values()),
        total=subtotal + tax,
        amount_due=due,
        amount_remaining=due,
    )


def _pricing(params: dict) -> tuple[int, int, str]:
    """(quantity, amount, unit amount) of an item, refusing what Stripe refuses."""
    amount = _int(params.get("amount"), "amount")
    quantity = _int(params.get("quantity"), "quantity")
    unit = params.get("unit_amount_decimal")
    if amount is not None and unit not in (None, ""):
        raise StripeError(
            400, "You may only specify one of these parameters: amount, unit_amount_decimal.",
            param="amount",
        )  # fmt: skip
    if quantity is not None and quantity < 0:
        raise StripeError(400, "quantity must be a non-negative integer", param="quantity")
    if amount is not None:
        if quantity not in (None, 1):
            raise StripeError(
                400, "When amount is given, quantity must be 1: use unit_amount_decimal.",
                param="quantity",
            )  # fmt: skip
        return 1, amount, str(amount)
    if unit in (None, ""):
        raise StripeError(
            400, "Missing required param: amount.", code="parameter_missing", param="amount"
        )
    try:
        unit_amount = Decimal(str(unit))
    except InvalidOperation:
        raise StripeError(400, f"Invalid decimal: {unit}", param="unit_amount_decimal") from None
    if not unit_amount.is_finite() or unit_amount != round(unit_amount, 12):
        raise StripeError(400, f"Invalid decimal: {unit}", param="unit_amount_decimal")
    quantity = 1 if quantity is None else quantity
    exact = unit_amount * quantity
    amount = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return quantity, amount, format(unit_amount.normalize(), "f")


class InvoiceItemsMixin:
    """Items added to a draft invoice; each becomes one of its lines."""

    def create_invoice_item(self, data: AccountData, params: dict, livemode: bool) -> dict:
        customer = self.get(data, "customer", params.get("customer") or "", "cus_")
        quantity, amount, unit_amount = _pricing(params)
        currency = (params.get("currency") or "").lower()
        if len(currency) != 3:
            raise StripeError(400, "Missing required param: currency.", param="currency")
        rates = self.tax_rates_for(data, params.get("tax_rates"), "tax_rates")
        invoice = self._draft_for_item(data, params, customer, currency)
        pricing = {"type": "price_details", "unit_amount_decimal": unit_amount}
        item = build(
            "invoiceitem",
            id=new_id("invoiceitem"),
            amount=amount,
            currency=currency,
            customer=customer["id"],
            date=self.now(),
            description=params.get("description"),
            discountable=True,
            invoice=invoice["id"] if invoice else None,
            metadata=params.get("metadata") or {},
            net_amount=amount,
            quantity=quantity,
            quantity_decimal=str(quantity),
            pricing=pricing,
            proration=False,
            period={"start": self.now(), "end": self.now()},
            tax_rates=[dict(rate) for rate in rates],
            parent=None,
        )
        self.store(data, item, livemode)
        if invoice:
            line = build(
                "line_item",
                id=new_id("line_item"),
                amount=amount,
                subtotal=amount,
                currency=currency,
                description=item["description"],
                discountable=True,
                invoice=invoice["id"],
                livemode=livemode,
                metadata=item["metadata"],
                quantity=quantity,
                quantity_decimal=str(quantity),
                pricing=dict(pricing),
                period=item["period"],
                taxes=line_taxes(amount, rates),
                parent={
                    "type": "invoice_item_details",
                    "invoice_item_details": {"invoice_item": item["id"]},
                },
            )
            invoice["lines"]["data"].append(line)
            recompute_totals(invoice)
        self.save()
        return item

    def _draft_for_item(self, data: AccountData, params: dict, customer: dict, currency: str):
        if not params.get("invoice"):
            return None
        invoice = self.get(data, "invoice", params["invoice"], "in_")
        if invoice["status"] != "draft":
            raise StripeError(
                400, "You can only add invoice items to draft invoices.", param="invoice"
            )
        if invoice["customer"] != customer["id"]:
            raise StripeError(400, "The invoice belongs to another customer.", param="invoice")
        if invoice["currency"] != currency:
            raise StripeError(
                400,
                f"The currency {currency} does not match the invoice's "
                f"currency {invoice['currency']}.",
                param="currency",
            )
        return invoice
