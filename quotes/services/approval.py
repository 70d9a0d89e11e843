"""The client's answer to a quote (or an employee's, on the client's behalf): approved, it
becomes an invoice at once; declined, it says why.

Approving is one transaction on the locked quote: Approved, and its invoice (a payment
request with the very lines, taxes and total the client approved) created as a draft. Two
tabs or a double click wait on that lock, and the second finds the quote approved with its
invoice: one invoice, ever (``Quote.invoice`` is unique too). The invoice is then sent through
``payment_requests.services.send_request`` outside that transaction (numbered, created on the
platform, emailed); once it is out, the quote is Converted. A platform that fails leaves the
quote Approved and its invoice a draft carrying the platform's error, for the team to send
again (``convert``): the approval is never lost.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing_saas import languages
from billing_saas.refusals import ActionRefused
from payment_requests import states as request_states
from payment_requests.models import PaymentRequest, StatusChange
from payment_requests.services import create_request, send_request
from payment_requests.services.lines import drafts_from
from payment_requests.services.links import new_link as new_pay_link
from quotes import states
from quotes.models import Quote
from quotes.services.common import Source, Status, account_today, is_past_validity, lock

INVOICE_DUE_IN = timedelta(days=14)
MAX_REASON = 1000


def approve(pk: int, *, actor=None, request_host=None) -> Quote:
    """Approve the quote: by its client (``actor`` None, through the link) or by a member on
    the client's behalf (recorded as such). Returns the quote, Converted when its invoice went
    out, else Approved. ``ActionRefused`` when it can no longer be approved."""
    expired = False
    with transaction.atomic():
        quote = lock(pk)
        if quote.status not in (Status.APPROVED, Status.CONVERTED):
            if quote.is_open and is_past_validity(quote):
                states.move(quote, Status.EXPIRED, Source.SCHEDULE)
                quote.save()
                expired = True
            else:
                _approve(quote, actor)
    if expired:
        raise ActionRefused(_("This quote expired: it can no longer be approved."))
    return convert(pk, request_host=request_host)


def _approve(quote: Quote, actor) -> None:
    by_client = actor is None
    states.move(
        quote,
        Status.APPROVED,
        Source.CLIENT if by_client else Source.USER,
        actor,
        note=gettext_noop("Approved by the client")
        if by_client
        else gettext_noop("Approved on the client's behalf"),
    )
    quote.approved_at = timezone.now()
    quote.approved_by = actor
    quote.approved_by_client = by_client
    quote.invoice = _invoice_from(quote, actor)
    quote.save()


def _invoice_from(quote: Quote, actor) -> PaymentRequest:
    """A draft invoice with the quote's lines as they were approved: the taxes' own snapshot
    (name and rate), not the account's rates as they may read today."""
    lines = drafts_from(quote.lines.all())
    with translation.override(languages.client_language(quote.client)):
        description = quote.title or _("Quote %(number)s") % {"number": quote.number}
    invoice = create_request(
        actor=actor or quote.created_by,
        kind=PaymentRequest.Kind.INVOICE,
        description=description[:300],
        client=quote.client,
        currency=quote.currency,
        due_date=account_today() + INVOICE_DUE_IN,
        lines=lines,
    )
    request_states.note(
        invoice,
        StatusChange.Source.CLIENT if actor is None else StatusChange.Source.USER,
        gettext_noop("From quote %(number)s, approved"),
        actor,
        number=quote.number,
    )
    return invoice


def convert(pk: int, *, request_host=None) -> Quote:
    """Send an approved quote's invoice (``send_request``: once, whoever asks) and mark the
    quote Converted once it is out. A refusal is kept in the quote's history and the
    invoice's; the quote stays Approved."""
    quote = Quote.objects.select_related("invoice").get(pk=pk)
    if quote.status != Status.APPROVED or quote.invoice_id is None:
        return quote
    try:
        invoice = send_request(quote.invoice_id, actor=quote.approved_by, request_host=request_host)
    except ActionRefused as refused:
        with transaction.atomic():
            quote = lock(pk)
            states.note(
                quote,
                Source.PLATFORM,
                gettext_noop("The invoice was not sent: %(error)s"),
                error=refused.message,
            )
        return Quote.objects.select_related("invoice").get(pk=pk)
    if invoice.status != PaymentRequest.Status.SENT:
        return quote  # another click is sending it; that one converts the quote
    with transaction.atomic():
        quote = lock(pk)
        if quote.status == Status.APPROVED:
            states.move(
                quote,
                Status.CONVERTED,
                Source.PLATFORM,
                note=gettext_noop("Invoice %(number)s sent"),
                number=invoice.number,
            )
            quote.save()
    return Quote.objects.select_related("invoice").get(pk=pk)


def decline(pk: int, reason: str) -> Quote:
    """The client declines, saying why (required)."""
    reason = (reason or "").strip()[:MAX_REASON]
    if not reason:
        raise ActionRefused(_("Tell us why you decline this quote."))
    with transaction.atomic():
        quote = lock(pk)
        if quote.status == Status.DECLINED:
            return quote
        if quote.is_open and is_past_validity(quote):
            raise ActionRefused(_("This quote expired: there is nothing to decline."))
        states.move(
            quote,
            Status.DECLINED,
            Source.CLIENT,
            note=gettext_noop("Declined: %(reason)s"),
            reason=reason,
        )
        quote.decline_reason = reason
        quote.save()
    return quote


def pay_token(quote: Quote) -> str | None:
    """A fresh pay link's token for the quote's invoice, while it can be paid."""
    invoice = quote.invoice
    if invoice is None or not invoice.is_payable:
        return None
    return new_pay_link(invoice)
