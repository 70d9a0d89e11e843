"""A request's lines: priced by ``payment_requests/totals.py``, saved with the request (in
its transaction), their taxes copied so a sent document never changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from billing_saas.refusals import ActionRefused
from connectors.base import InvoiceLine
from payment_requests.models import DocumentLine, LineTax, PaymentRequest, TaxRate
from payment_requests.totals import LineRefused, Rate, price_line, totals


@dataclass(frozen=True)
class LineDraft:
    """A line as typed: what ``create_request`` and ``update_draft`` take."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal | None = None
    tax_rates: tuple[TaxRate, ...] = ()
    reference: str = ""
    unit: str = ""  # "hour", "item"… (products.Product.Unit), copied from its product
    product: object | None = None  # the products.Product it was picked from, if any


def one_line(description: str, amount: Decimal) -> list[LineDraft]:
    """The quick path: a description and an amount are one untaxed line."""
    return [LineDraft(description=description, quantity=Decimal(1), unit_price=amount)]


def price(drafts: Sequence[LineDraft], currency: str) -> tuple[InvoiceLine, ...]:
    """The lines priced, or ``ActionRefused`` saying what is wrong with which line."""
    if not drafts:
        raise ActionRefused(_("Add at least one line."))
    priced = []
    for number, draft in enumerate(drafts, start=1):
        try:
            priced.append(
                price_line(
                    draft.description,
                    draft.quantity,
                    draft.unit_price,
                    currency,
                    discount=draft.discount,
                    rates=tuple(Rate(rate.name, rate.rate) for rate in draft.tax_rates),
                    reference=draft.reference,
                )
            )
        except LineRefused as refused:
            raise ActionRefused(
                _("Line %(number)s: %(reason)s") % {"number": number, "reason": refused.message}
            ) from None
    return tuple(priced)


def document_fields(priced: tuple[InvoiceLine, ...], currency: str) -> dict:
    """The request's amount (its total), subtotal and tax total, from its priced lines."""
    sums = totals(priced, currency)
    return {"amount": sums.total, "subtotal": sums.subtotal, "tax_total": sums.tax_total}


def save_lines(request: PaymentRequest, drafts: Sequence[LineDraft],
               priced: tuple[InvoiceLine, ...]) -> None:  # fmt: skip
    """Replace the request's lines (the caller holds its transaction and row lock)."""
    write_lines(request.lines, DocumentLine, LineTax, {"request": request}, drafts, priced)


def write_lines(current, line_model, tax_model, owner: dict, drafts: Sequence[LineDraft],
                priced: tuple[InvoiceLine, ...]) -> None:  # fmt: skip
    """Replace a document's ``current`` lines (its related manager) with ``drafts`` as priced:
    rows of ``line_model`` (a ``PricedLine``, ``owner`` naming its document) and their taxes,
    ``tax_model`` rows. Invoices and quotes are written alike."""
    current.all().delete()
    # Two INSERTs whatever the number of lines (PostgreSQL returns the lines' keys, which
    # their taxes need): a 500-line quote saves as fast as a short one.
    rows = line_model.objects.bulk_create(
        line_model(
            **owner,
            position=position,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price.amount,
            discount=line.discount.amount if line.discount else 0,
            amount=line.amount.amount,
            reference=line.reference,
            unit=draft.unit,
            product=draft.product,
        )
        for position, (draft, line) in enumerate(zip(drafts, priced, strict=True), start=1)
    )
    tax_model.objects.bulk_create(
        tax_model(line=row, tax_rate=rate, name=tax.name, rate=tax.rate, amount=tax.amount.amount)
        for row, draft, line in zip(rows, drafts, priced, strict=True)
        for rate, tax in zip(draft.tax_rates, line.taxes, strict=True)
    )


def drafts_from(lines) -> list[LineDraft]:
    """A saved document's lines (a ``PricedLine`` queryset: a quote's, a recurring invoice's)
    as ``create_request`` takes them: each with the taxes' own snapshot (name and rate), not
    the account's rates as they may read today."""
    return [
        LineDraft(
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount=line.discount or None,
            tax_rates=tuple(
                TaxRate(pk=tax.tax_rate_id, name=tax.name, rate=tax.rate)
                for tax in line.applied_taxes.all()
            ),
            reference=line.reference,
            unit=line.unit,
            product=line.product,
        )
        for line in lines.select_related("product").prefetch_related("applied_taxes")
    ]
