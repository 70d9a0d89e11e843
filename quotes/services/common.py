"""What the quote operations share: the row lock and the account's today."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from payment_requests.services.common import current_tenant
from quotes.models import Quote, QuoteStatusChange

Status = Quote.Status
Source = QuoteStatusChange.Source


def lock(pk: int) -> Quote:
    """The quote, locked until the caller's transaction ends."""
    return Quote.objects.select_for_update(of=("self",)).select_related("client").get(pk=pk)


def account_today() -> date:
    """Today in the account's time zone: a quote valid until the 3rd is valid all that day
    there, wherever the server or the reader is."""
    return timezone.localdate(timezone.now(), current_tenant().tzinfo)


def is_past_validity(quote: Quote) -> bool:
    return quote.valid_until < account_today()
