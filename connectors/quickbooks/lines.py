"""An invoice request's lines and taxes in QuickBooks Online's shape.

Each line is one ``SalesItemLine`` on the service item every invoice uses, with its quantity
(QuickBooks takes decimal ones), unit price and tax code. QuickBooks discounts a whole
invoice only (a ``DiscountLine``), not one line; so a discounted line is sent at its net
amount, as one unit at that price, and its description says the quantity, the unit price and
the discount: the amounts QuickBooks adds up are exactly ours, and the client still reads
how the line came to be.

A credit note applied to the invoice is one more line, negative and untaxed, so QuickBooks'
total is what is left to pay.

The taxes go in ``TxnTaxDetail``: one ``TaxLine`` per rate, on the lines that pay it, with
the amounts billing computed (rounded line by line). QuickBooks would round per rate on the
sum of the lines, which can differ by a cent; sending our amounts keeps its total ours.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from billing_saas.money_format import format_money, format_number
from connectors.base import InvoiceLine, InvoiceRequest
from connectors.quickbooks.tax_codes import TaxCodes, rate_name

SERVICES = {"value": "1", "name": "Services"}
MAX_DESCRIPTION = 4000  # Intuit's limit for a line's Description


def number(value: Decimal) -> float:
    """A JSON number: floats print the shortest decimal that reads back the same, so every
    amount of up to 15 digits (QuickBooks allows 11) goes out exactly as written."""
    return float(value)


def invoice_lines(request: InvoiceRequest, codes: TaxCodes | None) -> dict:
    """The invoice body's ``Line`` and, when anything is taxed, ``TxnTaxDetail``; ``codes``
    finds the tax codes (needed only then)."""
    lines = request.billed_lines
    taxed = any(line.taxes for line in lines)
    with translation.override(request.client.language or translation.get_language()):
        body = {"Line": [_sales_line(line, codes if taxed else None) for line in lines]}
    body["Line"] += [_credit_line(line, codes if taxed else None) for line in request.credits]
    if taxed:
        body["TxnTaxDetail"] = _tax_detail(lines, codes)
        body["GlobalTaxCalculation"] = "TaxExcluded"
    return body


def _sales_line(line: InvoiceLine, codes: TaxCodes | None) -> dict:
    if line.discount:
        quantity, unit_price, description = Decimal(1), line.amount, _discounted(line)
    else:
        quantity, unit_price, description = line.quantity, line.unit_price, line.description
    detail = {"ItemRef": SERVICES, "Qty": number(quantity), "UnitPrice": number(unit_price.amount)}
    if codes is not None:
        detail["TaxCodeRef"] = {"value": codes.code_for(line.taxes)}
    return {
        "Amount": number(line.amount.amount),
        "Description": description[:MAX_DESCRIPTION],
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": detail,
    }


def _credit_line(credit: InvoiceLine, codes: TaxCodes | None) -> dict:
    """A credit note taken off the invoice: a negative line on the same service item, untaxed
    (QuickBooks takes negative lines on an invoice whose total stays positive; its
    ``DiscountLine`` would be a percentage or an amount before tax, which changes the taxes)."""
    amount = number(-credit.amount.amount)
    detail = {"ItemRef": SERVICES, "Qty": 1, "UnitPrice": amount}
    if codes is not None:
        detail["TaxCodeRef"] = {"value": codes.code_for(())}
    return {
        "Amount": amount,
        "Description": credit.description[:MAX_DESCRIPTION],
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": detail,
    }


def _discounted(line: InvoiceLine) -> str:
    """The description of a line sent at its net amount, in the client's language."""
    currency = line.unit_price.currency
    return _("%(description)s (%(quantity)s × %(unit_price)s, less a %(discount)s discount)") % {
        "description": line.description,
        "quantity": format_number(line.quantity),
        "unit_price": format_money(line.unit_price.amount, currency),
        "discount": format_money(line.discount.amount, currency),
    }


def _tax_detail(lines: tuple[InvoiceLine, ...], codes: TaxCodes) -> dict:
    by_rate: dict[str, dict] = {}  # rate name → what it is paid on, what it comes to
    for line in lines:
        for tax in line.taxes:
            entry = by_rate.setdefault(
                rate_name(tax), {"tax": tax, "net": Decimal(0), "amount": Decimal(0)}
            )
            entry["net"] += line.amount.amount
            entry["amount"] += tax.amount.amount
    return {
        "TotalTax": number(sum((e["amount"] for e in by_rate.values()), Decimal(0))),
        "TaxLine": [
            {
                "Amount": number(entry["amount"]),
                "DetailType": "TaxLineDetail",
                "TaxLineDetail": {
                    "TaxRateRef": {"value": codes.rate_id(entry["tax"])},
                    "PercentBased": True,
                    "TaxPercent": number(entry["tax"].rate),
                    "NetAmountTaxable": number(entry["net"]),
                },
            }
            for entry in by_rate.values()
        ],
    }
