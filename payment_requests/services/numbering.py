"""The account's gapless document numbers: invoices (``NumberSequence``), and any other kind
of document with a sequence model of the same shape (quotes: ``quotes.QuoteNumberSequence``)."""

from __future__ import annotations

from payment_requests.models import NumberSequence


def next_number(model=NumberSequence) -> str:
    """The next number of the account's gapless sequence (a ``model`` row: ``prefix`` and
    ``next_value``); the caller's transaction holds the sequence row until it commits, so
    concurrent sends never share or skip a number."""
    sequence = model.objects.select_for_update().order_by("pk").first()
    if sequence is None:
        sequence = model.objects.create()
        sequence = model.objects.select_for_update().get(pk=sequence.pk)
    number = f"{sequence.prefix}{sequence.next_value:05d}"
    sequence.next_value += 1
    sequence.save(update_fields=["next_value"])
    return number
