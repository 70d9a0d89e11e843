"""A quote printed (``payment_requests/services/pdfs.py`` kind ``quote``): the documents'
layout, its validity date where an invoice has its due date, and how to approve it online.

Like the invoice, it is the client's document (the client's language, the account's time
zone) and carries no link: links are bearer tokens kept hashed, and a stored PDF is no place
for one in clear."""

from __future__ import annotations

from payment_requests.services.invoice_pdf import document_printable
from payment_requests.services.pdfs import Printed, safe_filename
from quotes.models import Quote

TEMPLATE = "quotes/pdf/quote.html"


def printed(pk: int) -> Printed | None:
    quote = (
        Quote.objects.select_related("client")
        .prefetch_related("lines__applied_taxes")
        .filter(pk=pk)
        .first()
    )
    if quote is None:
        return None
    printable = document_printable(TEMPLATE, quote, quote.sent_at or quote.created_at, {})
    return Printed(printable, safe_filename(quote.number or f"quote-draft-{quote.pk}") + ".pdf")
