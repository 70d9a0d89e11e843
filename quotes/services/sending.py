"""Sending a quote: numbered on its first sending, a fresh link per sending, and the
``quote.sent`` message by email and SMS as the client's record says."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing_saas.refusals import ActionRefused
from client_portal.links import document_links
from notifications.notify import Recipient, notify
from payment_requests.models import BillingSettings
from payment_requests.services.common import current_tenant
from payment_requests.services.emails import sender_address
from payment_requests.services.invoice_pdf import attaches_pdf
from payment_requests.services.numbering import next_number
from payment_requests.services.pdfs import pdf_bytes
from quotes import states
from quotes.models import Quote, QuoteNumberSequence
from quotes.pdf import printed
from quotes.services.common import Source, Status, is_past_validity, lock
from quotes.services.links import link_url, new_link
from tenants.urls_helpers import account_url

PURPOSE = "quote.sent"
DOCUMENT = "quote"  # what its messages are ``about``


def send_quote(pk: int, *, actor, request_host=None) -> Quote:
    """Send a draft (or send an open quote again): its number taken the first time, a new
    link, the message recorded in the same transaction (it leaves once committed)."""
    with transaction.atomic():
        quote = lock(pk)
        if quote.status not in (Status.DRAFT, *Quote.OPEN_STATUSES):
            raise ActionRefused(
                _("This quote is %(status)s: it cannot be sent.")
                % {"status": quote.get_status_display().lower()}
            )
        if is_past_validity(quote):
            raise ActionRefused(_("Its validity date has passed: change it before sending."))
        if not quote.lines.exists():
            raise ActionRefused(_("Add at least one line."))
        again = quote.status != Status.DRAFT
        # Numbered when first sent, in one gapless sequence of its own: a draft never
        # takes a number it could leave unused.
        quote.number = quote.number or next_number(QuoteNumberSequence)
        if again:
            states.note(
                quote,
                Source.USER,
                gettext_noop("Sent again to %(email)s"),
                actor,
                email=quote.client.email,
            )
        else:
            quote.sent_at = timezone.now()
            states.move(
                quote,
                Status.SENT,
                Source.USER,
                actor,
                note=gettext_noop("Sent to %(email)s"),
                email=quote.client.email,
            )
        quote.save()
        url = link_url(new_link(quote, quote.client.email), request_host)
        tell_client(quote, url)
    return quote


def tell_client(quote: Quote, url: str) -> int:
    """The ``quote.sent`` message, on every channel the client's record reaches (email, and
    SMS to a mobile that did not opt out); once per link."""
    context = message_context(quote, url)
    # The quote's page in the client's portal, beside the quote's own link in the email; the
    # SMS's only link (the portal's page has Approve and Decline).
    context.update(document_links(quote.client, reverse("client_portal:quote", args=[quote.pk])))
    attachments = []
    if attaches_pdf():  # the account's choice, as for invoices; a quote's PDF carries no link
        printed_quote = printed(quote.pk)
        attachments.append((printed_quote.filename, pdf_bytes(printed_quote), "application/pdf"))
    return notify(
        Recipient.for_client(quote.client),
        PURPOSE,
        context,
        once_key=f"quote:{quote.pk}:sent:{hashlib.sha256(url.encode()).hexdigest()[:16]}",
        about=(DOCUMENT, quote.pk),
        attachments=attachments,
    )


def message_context(quote: Quote, url: str) -> dict:
    branding = BillingSettings.current()
    tenant = current_tenant()
    logo = ""
    if branding.logo:
        logo = account_url(tenant, reverse("payment_requests:brand_logo"))
    return {
        "quote": quote,
        "client": quote.client,
        "lines": quote.document_lines,
        "totals": quote.document_totals,
        "account_name": tenant.name,
        "link_url": url,
        "brand_color": branding.brand_color,
        "brand_logo_url": logo,
        "from_email": sender_address(branding.sender_name or tenant.name),
    }


def outdated(message) -> str:
    """Why a quote's message should no longer leave (``""``: it should): its link asks for an
    answer the quote can no longer take (``notifications.delivery.OUTDATED_IF``)."""
    quote = Quote.objects.filter(pk=message.document_id).first()
    if quote is None or not quote.is_open:
        return _("Not sent: the quote was answered, canceled or expired before it could leave.")
    return ""
