"""A payment request's statuses and the only moves allowed between them.

Every change of status goes through ``move``: it refuses a move the table does not list (with
a message for the person or process that tried), and writes the history row in the caller's
transaction, so a status and its history never disagree. Events that leave the status as it
is (a failed card, a deletion) are written with ``note``.

Deleting is not a status: ``deleted_at`` hides a request from the dashboard whatever its
status, because a deleted request that the client can still pay must still become Paid.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from billing_saas.refusals import ActionRefused
from payment_requests.models import PaymentRequest, StatusChange
from payment_requests.signals import request_reopened, request_settled

log = logging.getLogger(__name__)
Status = PaymentRequest.Status
Source = StatusChange.Source

# from → the statuses it may move to. Read a row as "a request that is X can become …".
MOVES: dict[str, frozenset[str]] = {
    # A draft is sent through the platform (Sending), or *marked sent* by a team member who
    # sent it by hand: straight to Sent, with no platform invoice and nothing emailed.
    Status.DRAFT: frozenset({Status.SENDING, Status.SENT, Status.CANCELED}),
    # Sending claims the request; the platform's answer sends it, or gives it back as a draft.
    Status.SENDING: frozenset({Status.SENT, Status.DRAFT}),
    Status.SENT: frozenset({Status.OVERDUE, Status.PAID, Status.EXPIRED, Status.CANCELED}),
    Status.OVERDUE: frozenset({Status.PAID, Status.EXPIRED, Status.CANCELED}),
    # Money that arrives is never refused: a link paid as it expired, an invoice paid on the
    # platform after we canceled it (a void that lost the race) still become Paid.
    Status.EXPIRED: frozenset({Status.PAID, Status.CANCELED}),
    Status.CANCELED: frozenset({Status.PAID}),
    # Back to open (Sent, or Overdue past its due date) only when a team member undoes a
    # manual payment (*Mark paid*) that had paid it: a platform's payment is never undone here.
    Status.PAID: frozenset(
        {Status.PARTIALLY_REFUNDED, Status.REFUNDED, Status.SENT, Status.OVERDUE}
    ),
    Status.PARTIALLY_REFUNDED: frozenset({Status.REFUNDED}),
    Status.REFUNDED: frozenset(),
}

SETTLED = frozenset({Status.PAID, Status.CANCELED, Status.EXPIRED, Status.REFUNDED,
                     Status.PARTIALLY_REFUNDED})  # fmt: skip


class IllegalMove(ActionRefused):
    """A status change the table does not allow."""


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in MOVES.get(from_status, frozenset())


def move(
    request: PaymentRequest, to: str, source: str, actor=None, note: str = "", **note_params
) -> None:
    """Move ``request`` (locked by the caller) to ``to`` and write its history row.

    ``note`` is an English message marked with ``gettext_noop``, ``note_params`` its values:
    the history is translated when read. Raises ``IllegalMove``; the caller saves."""
    if not can_move(request.status, to):
        log.warning("refused move of request %s: %s → %s", request.pk, request.status, to)
        raise IllegalMove(
            _("This request is %(status)s: it cannot become %(target)s.")
            % {
                "status": Status(request.status).label.lower(),
                "target": Status(to).label.lower(),
            }
        )
    if to in SETTLED:
        # A declined card or a refused void no longer matters once the request is settled.
        request.last_error = ""
        request.payment_failure = ""
    _write(request, to, source, actor, note, note_params)
    was_paid = request.status in PaymentRequest.PAID_STATUSES
    request.status = to
    if to == Status.PAID:
        request_settled.send(PaymentRequest, request=request, paid=True)
    elif to in (Status.CANCELED, Status.EXPIRED) and not was_paid:
        request_settled.send(PaymentRequest, request=request, paid=False)
    elif was_paid and to in PaymentRequest.OPEN_STATUSES:
        request_reopened.send(PaymentRequest, request=request)


def note(request: PaymentRequest, source: str, note: str, actor=None, **note_params) -> None:
    """Something happened that the history keeps, without a change of status."""
    _write(request, request.status, source, actor, note, note_params)


def _write(request, to, source, actor, note, note_params) -> None:
    StatusChange.objects.create(
        request=request,
        from_status=request.status,
        to_status=to,
        source=source,
        actor=actor,
        note=note,
        note_params=note_params,
    )
