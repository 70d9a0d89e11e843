"""A quote's statuses and the only moves allowed between them.

Every change of status goes through ``move``: a move the table does not list is refused
(``IllegalMove``, with a message for whoever tried), and the history row is written in the
caller's transaction, so a status and its history never disagree.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from billing_saas.refusals import ActionRefused
from quotes.models import Quote, QuoteStatusChange

log = logging.getLogger(__name__)
Status = Quote.Status

# from → the statuses it may move to. Read a row as "a quote that is X can become …".
MOVES: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SENT, Status.CANCELED}),
    Status.SENT: frozenset(
        {Status.VIEWED, Status.APPROVED, Status.DECLINED, Status.EXPIRED, Status.CANCELED}
    ),
    Status.VIEWED: frozenset({Status.APPROVED, Status.DECLINED, Status.EXPIRED, Status.CANCELED}),
    # Approved makes its invoice at once; Converted once the invoice went out on the platform.
    Status.APPROVED: frozenset({Status.CONVERTED}),
    Status.EXPIRED: frozenset({Status.CANCELED}),
    Status.DECLINED: frozenset(),
    Status.CONVERTED: frozenset(),
    Status.CANCELED: frozenset(),
}


class IllegalMove(ActionRefused):
    """A status change the table does not allow."""


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in MOVES.get(from_status, frozenset())


def move(quote: Quote, to: str, source: str, actor=None, note: str = "", **note_params) -> None:
    """Move ``quote`` (locked by the caller) to ``to`` and write its history row; the caller
    saves. ``note`` is English marked with ``gettext_noop``, ``note_params`` its values."""
    if not can_move(quote.status, to):
        log.warning("refused move of quote %s: %s → %s", quote.pk, quote.status, to)
        raise IllegalMove(
            _("This quote is %(status)s: it cannot become %(target)s.")
            % {"status": Status(quote.status).label.lower(), "target": Status(to).label.lower()}
        )
    _write(quote, to, source, actor, note, note_params)
    quote.status = to


def note(quote: Quote, source: str, note: str, actor=None, **note_params) -> None:
    """Something the history keeps, without a change of status."""
    _write(quote, quote.status, source, actor, note, note_params)


def _write(quote, to, source, actor, note, note_params) -> None:
    QuoteStatusChange.objects.create(
        quote=quote,
        from_status=quote.status,
        to_status=to,
        source=source,
        actor=actor,
        note=note,
        note_params=note_params,
    )
