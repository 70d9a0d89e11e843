"""Our mirror of platform invoices and payment links, moved only forward.

Events arrive duplicated, late and out of order; reconciliation replays them again. So:
a status only moves up its rank, ``amount_paid`` only grows, a payment is recorded once per
platform payment id, and two contradictory final states (paid after void) are never resolved
silently: the money is recorded and the object is flagged for a person to look at.

``apply`` takes one event; ``apply_many`` takes a worker's batch of them in a few statements,
with the same rules (``_follow``) and the same outcome as ``apply`` called on each in turn.
What changed is announced once the transaction commits (``remote_objects_changed``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from connectors.base import PaymentInfo, RemoteInvoice, RemoteStatus, WebhookEvent
from connectors.bulk import update_each
from connectors.models import Connection, RemoteObject, RemotePayment
from connectors.signals import remote_objects_changed
from tenants.schema import on_commit_here

log = logging.getLogger(__name__)

RANK = {
    RemoteStatus.DRAFT: 0,
    RemoteStatus.OPEN: 1,
    RemoteStatus.UNCOLLECTIBLE: 2,
    RemoteStatus.PARTIALLY_PAID: 2,
    RemoteStatus.PAID: 3,
    RemoteStatus.VOID: 3,
    RemoteStatus.EXPIRED: 3,
}
FINAL = {RemoteStatus.PAID, RemoteStatus.VOID, RemoteStatus.EXPIRED}


@dataclass
class Changed:
    """What ``remote_objects_changed`` tells of one event: the object it moved, the payment it
    recorded (if new) and what changed ("created", "status", "amount_paid", "payment",
    "failure", "conflict", "refund")."""

    remote_object: RemoteObject
    event: WebhookEvent
    payment: RemotePayment | None
    changes: list[str]


@dataclass
class Applied:
    remote_object: RemoteObject | None
    changes: list[str] = field(default_factory=list)
    payment: RemotePayment | None = None
    note: str = ""
    waiting: bool = False  # needs an event not applied yet (a refund before its payment)


def record(connection: Connection, kind: str, remote: RemoteInvoice, local_ref: str = ""
           ) -> RemoteObject:  # fmt: skip
    """Remember what we just created or read on the platform (moving state forward only)."""
    with transaction.atomic():
        obj, _created = RemoteObject.objects.select_for_update().get_or_create(
            connection=connection,
            remote_id=remote.remote_id,
            defaults={"kind": kind, "currency": remote.amount_due.currency, "local_ref": local_ref},
        )
        if local_ref and not obj.local_ref:
            obj.local_ref = local_ref
        _move_status(obj, remote.status)
        obj.amount_due = remote.amount_due.amount
        obj.amount_paid = max(obj.amount_paid, remote.amount_paid.amount)
        if remote.pay_url:
            obj.pay_url = remote.pay_url
            obj.pay_url_expires_at = remote.pay_url_expires_at
        obj.save()
    return obj


def _move_status(obj: RemoteObject, new: RemoteStatus | None) -> str:
    """'moved', 'kept' or 'conflict'."""
    if new is None:
        return "kept"
    current = RemoteStatus(obj.status)
    if current == new:
        return "kept"
    if current in FINAL and new in FINAL:
        obj.needs_attention = True
        obj.attention_note = _(
            "The platform reported this as %(new)s after it was %(current)s. Nothing was "
            "changed automatically; please check it on the platform."
        ) % {"new": new.label if hasattr(new, "label") else new.value, "current": current.value}
        return "conflict"
    if RANK[new] > RANK[current]:
        obj.status = new.value
        return "moved"
    return "kept"


def apply(connection: Connection, event: WebhookEvent) -> Applied:
    """Apply one normalised event; safe to call again with the same or an older event."""
    if event.refund is not None:
        return _apply_refund(connection, event)
    if not event.remote_id and event.local_ref:
        # A failed attempt on a payment link names our request, not the platform's object.
        latest = (
            RemoteObject.objects.filter(
                connection=connection, local_ref=event.local_ref, kind=event.object_kind
            )
            .order_by("-created_at")
            .first()
        )
        if latest is not None:
            event = replace(event, remote_id=latest.remote_id)
    if not event.remote_id:
        return Applied(None, note="no remote object")
    # No savepoint inside the worker's transaction (inbox.process): nothing here is caught
    # and carried on from, a failure rolls the whole event back.
    with transaction.atomic(savepoint=False):
        obj, created = RemoteObject.objects.select_for_update().get_or_create(
            connection=connection, remote_id=event.remote_id, defaults=_defaults(event)
        )
        changes = _follow(obj, event, created)
        obj.save()
        payment = None
        if event.payment:
            payment, new_payment = RemotePayment.objects.get_or_create(
                connection=connection,
                remote_payment_id=event.payment.remote_payment_id,
                defaults=_payment_fields(event.payment, obj),
            )
            if new_payment:
                recorded = _payment_recorded(obj, payment)
                if "conflict" in recorded:
                    obj.save(update_fields=["needs_attention", "attention_note", "updated_at"])
                changes += recorded
            else:
                payment = None
        result = Applied(obj, changes, payment)
        if changes:
            _announce_after_commit([Changed(obj, event, payment, changes)])
    return result


def batchable(event: WebhookEvent) -> bool:
    """Whether ``apply_many`` takes the event: one that names its platform object. Refunds
    (rows of their payment) and failed attempts known only by our request go to ``apply``;
    subscriptions are no remote objects of ours (``inbox._handle`` hands them on)."""
    return event.refund is None and bool(event.remote_id) and event.object_kind != "subscription"


def apply_many(connection: Connection, events: list[WebhookEvent]) -> list[Applied]:
    """``apply`` on each of ``events`` in turn (all ``batchable``), in five statements at most.

    The objects named are read and locked in one statement; the events are applied to them
    in memory, in order, by the rules ``apply`` uses; then the new objects are inserted in
    one statement, the changed ones updated in one, and the new payments inserted in one.
    The objects' rows are held until the caller's transaction commits; a failure (another
    worker inserting one of the objects at the same moment) rolls it all back."""
    # No savepoint, as in ``apply``: the worker's batch is one transaction.
    with transaction.atomic(savepoint=False):
        objects = _locked_objects(connection, {event.remote_id for event in events})
        before = {remote_id: _state(obj) for remote_id, obj in objects.items()}
        recorded = _recorded_payment_ids(
            connection, {event.payment.remote_payment_id for event in events if event.payment}
        )
        results = [_apply_in_memory(connection, event, objects, recorded) for event in events]
        _save(objects, before)
        RemotePayment.objects.bulk_create([result.payment for result in results if result.payment])
        changed = [
            Changed(result.remote_object, event, result.payment, result.changes)
            for event, result in zip(events, results, strict=True)
            if result.changes
        ]
        if changed:
            _announce_after_commit(changed)
    return results


def _apply_in_memory(connection: Connection, event: WebhookEvent,
                     objects: dict[str, RemoteObject], recorded: set[str]) -> Applied:  # fmt: skip
    """``apply`` without a statement: on ``objects`` (by remote id; a new one is added, not
    saved yet), with the payment ids ``recorded`` so far (its new payment is added)."""
    obj = objects.get(event.remote_id)
    created = obj is None
    if created:
        obj = objects[event.remote_id] = RemoteObject(
            connection=connection, remote_id=event.remote_id, **_defaults(event)
        )
    changes = _follow(obj, event, created)
    payment = None
    if event.payment and event.payment.remote_payment_id not in recorded:
        recorded.add(event.payment.remote_payment_id)
        payment = RemotePayment(
            connection=connection,
            remote_payment_id=event.payment.remote_payment_id,
            **_payment_fields(event.payment, obj),
        )
        changes += _payment_recorded(obj, payment)
    return Applied(obj, changes, payment)


def _defaults(event: WebhookEvent) -> dict:
    """A new object's fields, from the first event that names it."""
    currency = (
        event.amount_due or event.amount_paid or (event.payment.amount if event.payment else None)
    )
    return {
        "kind": event.object_kind,
        "currency": currency.currency if currency else "",
        "local_ref": event.local_ref,
    }


def _follow(obj: RemoteObject, event: WebhookEvent, created: bool) -> list[str]:
    """Move ``obj`` (in memory) forward by what ``event`` says; what changed."""
    changes = []
    if created:
        changes.append("created")
    moved = _move_status(obj, event.status)
    if moved == "moved":
        changes.append("status")
    elif moved == "conflict":
        changes.append("conflict")
    if event.amount_due is not None and obj.amount_due != event.amount_due.amount:
        obj.amount_due = event.amount_due.amount
    if event.amount_paid is not None and event.amount_paid.amount > obj.amount_paid:
        obj.amount_paid = event.amount_paid.amount
        changes.append("amount_paid")
    if event.failure_message and obj.status not in (RemoteStatus.PAID, RemoteStatus.VOID):
        obj.last_failure = event.failure_message
        changes.append("failure")
    if event.local_ref and not obj.local_ref:
        obj.local_ref = event.local_ref
    return changes


def _payment_fields(payment: PaymentInfo, obj: RemoteObject) -> dict:
    return {
        "remote_object": obj,
        "amount": payment.amount.amount,
        "currency": payment.amount.currency,
        "method": payment.method,
        "paid_at": payment.paid_at,
    }


def _payment_recorded(obj: RemoteObject, payment: RemotePayment) -> list[str]:
    """A payment seen for the first time; money for something void or expired is flagged."""
    log.info("payment %s recorded on %s", payment.remote_payment_id, obj.remote_id)
    if obj.status not in (RemoteStatus.VOID, RemoteStatus.EXPIRED):
        return ["payment"]
    obj.needs_attention = True
    obj.attention_note = _(
        "A payment arrived for something that was %(status)s. The payment is "
        "recorded; please check it on the platform and refund it if needed."
    ) % {"status": obj.status}
    return ["payment", "conflict"]


# What ``_follow`` and ``_payment_recorded`` may change on an object.
FOLLOWED_FIELDS = (
    "status",
    "amount_due",
    "amount_paid",
    "last_failure",
    "local_ref",
    "needs_attention",
    "attention_note",
)


def _state(obj: RemoteObject) -> tuple:
    return tuple(getattr(obj, name) for name in FOLLOWED_FIELDS)


def _locked_objects(connection: Connection, remote_ids: set[str]) -> dict[str, RemoteObject]:
    # In id order, as every batch locks them: two workers' batches never wait on each other
    # in a circle.
    locked = (
        RemoteObject.objects.select_for_update()
        .filter(connection=connection, remote_id__in=remote_ids)
        .order_by("pk")
    )
    return {obj.remote_id: obj for obj in locked}


def _recorded_payment_ids(connection: Connection, remote_payment_ids: set[str]) -> set[str]:
    if not remote_payment_ids:
        return set()
    return set(
        RemotePayment.objects.filter(
            connection=connection, remote_payment_id__in=remote_payment_ids
        ).values_list("remote_payment_id", flat=True)
    )


def _save(objects: dict[str, RemoteObject], before: dict[str, tuple]) -> None:
    """New objects in one insert (in remote id order, as every batch inserts them), changed
    ones in one update; objects nothing changed are not written."""
    new = [obj for remote_id, obj in sorted(objects.items()) if obj.pk is None]
    RemoteObject.objects.bulk_create(new)
    changed = [
        obj
        for remote_id, obj in objects.items()
        if remote_id in before and _state(obj) != before[remote_id]
    ]
    if changed:
        now = timezone.now()
        for obj in changed:
            obj.updated_at = now  # ``auto_now`` is applied by ``save`` only
        update_each(RemoteObject, changed, [*FOLLOWED_FIELDS, "updated_at"])


def _apply_refund(connection: Connection, event: WebhookEvent) -> Applied:
    """Refunds only ever grow a payment's refunded total (events carry the running total)."""
    with transaction.atomic(savepoint=False):  # as in ``apply``
        payment = (
            RemotePayment.objects.select_for_update(of=("self",))
            .select_related("remote_object")
            .filter(connection=connection, remote_payment_id=event.refund.remote_payment_id)
            .first()
        )
        if payment is None:
            # Deliveries come in any order: the payment's own event may still be on its way.
            return Applied(None, note="refund of a payment not recorded (yet)", waiting=True)
        if event.refund.amount.amount <= payment.amount_refunded:
            return Applied(payment.remote_object)
        payment.amount_refunded = min(event.refund.amount.amount, payment.amount)
        payment.save(update_fields=["amount_refunded"])
        obj = payment.remote_object
        changes = ["refund"]
        _announce_after_commit([Changed(obj, event, payment, changes)])
    return Applied(obj, changes, payment)


def _announce_after_commit(changed: list[Changed]) -> None:
    on_commit_here(lambda: remote_objects_changed.send(sender=RemoteObject, changed=changed))
