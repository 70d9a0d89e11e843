"""The account's gapless invoice numbers."""

from __future__ import annotations

from payment_requests.models import NumberSequence


def next_number() -> str:
    """The next number of the account's gapless sequence; the caller's transaction holds the
    sequence row until it commits, so concurrent sends never share or skip a number."""
    sequence = NumberSequence.objects.select_for_update().order_by("pk").first()
    if sequence is None:
        sequence = NumberSequence.objects.create()
        sequence = NumberSequence.objects.select_for_update().get(pk=sequence.pk)
    number = f"{sequence.prefix}{sequence.next_value:05d}"
    sequence.next_value += 1
    sequence.save(update_fields=["next_value"])
    return number
