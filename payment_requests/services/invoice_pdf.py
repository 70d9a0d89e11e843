"""A payment request printed as an invoice: what ``services/pdfs.py`` renders and keeps.

The invoice is the client's document: in the client's language (``billing_saas/languages.py``),
dates in the account's time zone, amounts the client's way (the ``money`` filter), whoever
downloads it, so one file per version serves the team and the client alike.

The link to pay: pay links are bearer tokens stored hashed, so a stored PDF carries none (a
file left in storage would hold a live token in clear, for anyone who ever downloads it). It
tells the client where to pay instead (the link in the email, or the account). The PDF
attached to an email is rendered for that email, with that email's own link, and not kept
(``attachment_pdf``): the token then lives only where the email's text already holds it.
"""

from __future__ import annotations

import re

from django.utils import timezone

from billing_saas import languages
from billing_saas import pdf as engine
from payment_requests.models import BillingSettings, PaymentRequest
from payment_requests.services.common import current_tenant
from payment_requests.services.pdfs import Printed, pdf_bytes, safe_filename

TEMPLATE = "payment_requests/pdf/invoice.html"


def invoice_of(pk: int) -> PaymentRequest | None:
    return (
        PaymentRequest.objects.select_related("client")
        .prefetch_related("lines__applied_taxes")
        .filter(pk=pk)
        .first()
    )


def printed(pk: int, pay_url: str = "") -> Printed | None:
    item = invoice_of(pk)
    return None if item is None else printed_invoice(item, pay_url)


def printed_invoice(item: PaymentRequest, pay_url: str = "") -> Printed:
    context = {"pay_url": pay_url if item.is_payable else ""}
    printable = document_printable(TEMPLATE, item, item.sent_at or item.created_at, context)
    return Printed(printable, safe_filename(item.number or f"draft-{item.pk}") + ".pdf")


def document_printable(template: str, item, issued, context: dict) -> engine.Printable:
    """A document (an invoice, a quote: ``item`` with its ``client``, ``document_lines`` and
    ``document_totals``) on the account's letterhead, for its client's eyes."""
    tenant = current_tenant()
    # Read, never created here: a download does not write settings (defaults print the same).
    branding = BillingSettings.objects.order_by("pk").first() or BillingSettings()
    # Only a logo in the account's own folder: the name is read from the database, and the PDF
    # must never show another account's file (nor any file a tampered row names).
    own_logo = branding.logo and branding.logo.name.startswith(f"tenants/{tenant.schema_name}/")
    files = {"logo": branding.logo.name} if own_logo else {}
    context = {
        "item": item,
        "client": item.client,
        "account_name": branding.sender_name or tenant.name,
        "brand_color": _colour(branding.brand_color),
        "address_lines": _lines(branding.address),
        "tax_ids": _lines(branding.tax_ids),
        "client_address_lines": _lines(item.client.address),
        "logo_src": engine.file_url("logo") if files else "",
        "issued": timezone.localdate(issued, tenant.tzinfo),
        "lines": item.document_lines,
        "totals": item.document_totals,
        **context,
    }
    return engine.Printable(
        template,
        context,
        language=languages.client_language(item.client, tenant),
        time_zone=tenant.time_zone,
        files=files,
    )


def attachment_pdf(item: PaymentRequest, pay_url: str) -> tuple[str, bytes]:
    """(file name, PDF bytes) of the invoice for the email that carries ``pay_url``, when the
    account attaches PDFs to its emails (``BillingSettings.attach_pdf``); rendered now, kept
    nowhere but in that email."""
    invoice = printed_invoice(item, pay_url)
    return invoice.filename, pdf_bytes(invoice)


def attaches_pdf() -> bool:
    branding = BillingSettings.objects.order_by("pk").first()
    return bool(branding and branding.attach_pdf)


def _colour(value: str) -> str:
    # Printed inside the PDF's CSS: only ever a plain #rrggbb, whatever the row holds.
    return value if re.fullmatch(r"#[0-9a-fA-F]{6}", value or "") else "#4f46e5"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
