"""Quotes that end without an answer: canceled by the team, or expired (by hand or when their
validity date has passed in the account's time zone)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from quotes import states
from quotes.models import Quote
from quotes.services.common import Source, Status, lock
from quotes.services.links import record_view


def cancel_quote(pk: int, *, actor) -> Quote:
    with transaction.atomic():
        quote = lock(pk)
        states.move(quote, Status.CANCELED, Source.USER, actor)
        quote.save()
        # Its links stay: the client who opens one reads that it was withdrawn, rather than a
        # page that does not exist (they approve nothing: the quote is no longer open).
    return quote


def expire_quote(pk: int, *, actor) -> Quote:
    with transaction.atomic():
        quote = lock(pk)
        states.move(quote, Status.EXPIRED, Source.USER, actor)
        quote.save()
    return quote


def expire_due(today: date) -> int:
    """Sent or viewed quotes whose validity ended before ``today`` (the account's date)."""
    count = 0
    due = Quote.objects.filter(status__in=Quote.OPEN_STATUSES, valid_until__lt=today)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            quote = lock(pk)
            if quote.is_open and quote.valid_until < today:
                states.move(
                    quote,
                    Status.EXPIRED,
                    Source.SCHEDULE,
                    note=gettext_noop("Valid until %(date)s"),
                    date=quote.valid_until.isoformat(),
                )
                quote.save()
                count += 1
    return count


def expire_if_due(quote: Quote, today: date) -> Quote:
    """The client opens a quote whose validity passed before the daily job came by."""
    if quote.is_open and quote.valid_until < today:
        expire_due(today)
        quote.refresh_from_db()
    return quote


def record_client_view(link) -> None:
    """The client opened its link: counted, and a Sent quote is Viewed from now on."""
    record_view(link)
    quote = link.quote
    if quote.status != Status.SENT:
        return
    with transaction.atomic():
        quote = lock(quote.pk)
        if quote.status == Status.SENT:
            states.move(quote, Status.VIEWED, Source.CLIENT)
            quote.first_viewed_at = quote.first_viewed_at or timezone.now()
            quote.save()
