"""Writing quotes: a draft's client, currency, validity, notes and lines (priced by the same
rule as invoices, ``payment_requests/totals.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing_saas.refusals import ActionRefused
from clients.models import Client
from payment_requests.services.common import check_amount
from payment_requests.services.lines import LineDraft, document_fields, price, write_lines
from quotes.models import Quote, QuoteLine, QuoteLineTax, QuoteStatusChange
from quotes.services.common import Source, Status, lock

EDITABLE = ("title", "client", "currency", "valid_until", "notes")


def create_quote(
    *, actor, lines: Sequence[LineDraft], new_client: dict | None = None, **fields
) -> Quote:
    """A draft; ``new_client`` (name, email, company) creates its client in the same
    transaction."""
    currency = fields.get("currency", "EUR")
    priced = price(lines, currency)
    totals = _totals(priced, currency)
    with transaction.atomic():
        if new_client is not None:
            fields["client"] = Client.objects.create(preferred_currency=currency, **new_client)
        quote = Quote.objects.create(created_by=actor, **totals, **fields)
        _save_lines(quote, lines, priced)
        QuoteStatusChange.objects.create(
            quote=quote,
            to_status=Status.DRAFT,
            source=Source.USER,
            actor=actor,
            note=gettext_noop("Created"),
        )
    return quote


def update_quote(
    pk: int, *, actor, lines: Sequence[LineDraft], new_client: dict | None = None, **fields
) -> Quote:
    """A draft's new values and lines; a quote already sent is the client's: refused."""
    with transaction.atomic():
        quote = lock(pk)
        if not quote.is_editable:
            raise ActionRefused(
                _("This quote was sent: it can no longer change. Cancel it and write a new one.")
            )
        if new_client is not None:
            currency = fields.get("currency", quote.currency)
            fields["client"] = Client.objects.create(preferred_currency=currency, **new_client)
        for name in EDITABLE:
            if name in fields:
                setattr(quote, name, fields[name])
        priced = price(lines, quote.currency)
        for name, value in _totals(priced, quote.currency).items():
            setattr(quote, name, value)
        quote.save()
        _save_lines(quote, lines, priced)
    return quote


def _totals(priced, currency: str) -> dict:
    sums = document_fields(priced, currency)
    check_amount(sums["amount"], currency)
    return {"total": sums["amount"], "subtotal": sums["subtotal"], "tax_total": sums["tax_total"]}


def _save_lines(quote: Quote, lines, priced) -> None:
    write_lines(quote.lines, QuoteLine, QuoteLineTax, {"quote": quote}, lines, priced)
