"""What happens to a connection itself, whichever platform said so, handled in one place.

A platform turns its own signals into a ``ConnectionEvent`` (Stripe: an app deauthorized, an
account able or unable to charge; QuickBooks: a refresh token refused). ``handle`` moves the
connection's status, records the change on the connection and tells the account's billing
administrators, each once, in their own language.

Handling is idempotent: an event that changes nothing (a redelivery, the same news from a
webhook and from a refused call, an event older than the last change recorded) records
nothing and tells no one. The emails go out inside the change's transaction (as
``notify`` with a once-key does): a failed send rolls the change back, and whoever brought
the event (the inbox's retries, the next refused call) brings it again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.db import transaction

from connectors.base import ConnectionEvent, ConnectionEventKind
from connectors.models import Connection

log = logging.getLogger(__name__)

Kind, Status = ConnectionEventKind, Connection.Status
# kind: (the statuses it moves from, the status it moves to). A connection we disconnected
# ourselves never moves; an account still onboarding has not lost anything yet.
MOVES = {
    Kind.CONNECTED: ({Status.ONBOARDING, Status.NEEDS_RECONNECTING}, Status.CONNECTED),
    Kind.DEAUTHORIZED: ({Status.ONBOARDING, Status.CONNECTED}, Status.NEEDS_RECONNECTING),
    Kind.NEEDS_RECONNECTING: ({Status.CONNECTED}, Status.NEEDS_RECONNECTING),
}
RECORD = "connection_event"  # the key of the last change in ``Connection.details``


def handle(connection: Connection, event: ConnectionEvent) -> str:
    """Apply ``event`` to ``connection`` (the caller's copy follows); what changed, for the
    event's note, or "" when nothing did."""
    with transaction.atomic():
        row = Connection.objects.select_for_update().get(pk=connection.pk)
        last = row.details.get(RECORD) or {}
        if last.get("occurred_at", "") > _stamp(event.occurred_at):
            return ""  # late: a newer change was already recorded (deliveries come in any order)
        changed = []
        if event.display_name and event.display_name != row.display_name:
            row.display_name = event.display_name  # screens name the business
            changed.append("display_name")
        moved = _move(row, event)
        if moved:
            changed += ["status", "details"]
        if not changed:
            return ""
        row.save(update_fields=changed)
        connection.status, connection.display_name = row.status, row.display_name
        connection.details = row.details
        if moved:
            log.info("connection %s: %s, now %s", row.pk, event.kind, row.status)
            tell_billing_admins(row, event)
    notes = [f"{event.kind}: now {row.status}"] if moved else []
    return ", ".join(notes + (["name updated"] if "display_name" in changed else []))


def _stamp(moment: datetime) -> str:
    """A moment as text that sorts as time does (one zone, one format)."""
    return moment.astimezone(UTC).isoformat()


def _move(row: Connection, event: ConnectionEvent) -> bool:
    """Move the status if ``event`` changes it, and record the change."""
    if event.kind is None:
        return False
    sources, target = MOVES[event.kind]
    if row.status not in sources:
        return False
    number = int((row.details.get(RECORD) or {}).get("number", 0)) + 1
    row.status = target
    row.details = {
        **row.details,
        RECORD: {
            "number": number,
            "kind": str(event.kind),
            "occurred_at": _stamp(event.occurred_at),
            "reason": str(event.reason),
        },
    }
    return True


def tell_billing_admins(connection: Connection, event: ConnectionEvent) -> int:
    """Email each billing administrator about the change just recorded, once each (keyed by
    the change's number); returns how many emails went out."""
    from notifications.notify import Recipient, notify
    from tenants.members.models import User

    number = connection.details[RECORD]["number"]
    return sum(
        notify(
            Recipient.for_member(admin),
            "connection.changed",
            {"connection": connection, "event": event},
            once_key=f"connection:{connection.pk}:change:{number}:{admin.pk}",
        )
        for admin in User.objects.billing_admins()
    )
