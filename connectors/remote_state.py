"""Our mirror of platform invoices and payment links, moved only forward.

Events arrive duplicated, late and out of order; reconciliation replays them again. So:
a status only moves up its rank, ``amount_paid`` only grows, a payment is recorded once per
platform payment id, and two contradictory final states (paid after void) are never resolved
silently: the money is recorded and the object is flagged for a person to look at.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.utils.translation import gettext as _

from connectors.base import RemoteInvoice, RemoteStatus, WebhookEvent
from connectors.models import Connection, RemoteObject, RemotePayment
from connectors.signals import remote_object_changed
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
        currency = (
            event.amount_due
            or event.amount_paid
            or (event.payment.amount if event.payment else None)
        )
        obj, created = RemoteObject.objects.select_for_update().get_or_create(
            connection=connection,
            remote_id=event.remote_id,
            defaults={
                "kind": event.object_kind,
                "currency": currency.currency if currency else "",
                "local_ref": event.local_ref,
            },
        )
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
        obj.save()
        payment = None
        if event.payment:
            payment, new_payment = RemotePayment.objects.get_or_create(
                connection=connection,
                remote_payment_id=event.payment.remote_payment_id,
                defaults={
                    "remote_object": obj,
                    "amount": event.payment.amount.amount,
                    "currency": event.payment.amount.currency,
                    "method": event.payment.method,
                    "paid_at": event.payment.paid_at,
                },
            )
            if new_payment:
                changes.append("payment")
                if obj.status in (RemoteStatus.VOID, RemoteStatus.EXPIRED):
                    obj.needs_attention = True
                    obj.attention_note = _(
                        "A payment arrived for something that was %(status)s. The payment is "
                        "recorded; please check it on the platform and refund it if needed."
                    ) % {"status": obj.status}
                    obj.save(update_fields=["needs_attention", "attention_note", "updated_at"])
                    changes.append("conflict")
                log.info("payment %s recorded on %s", payment.remote_payment_id, obj.remote_id)
            else:
                payment = None
        result = Applied(obj, changes, payment)
        if changes:
            _announce_after_commit(obj, event, payment, changes)
    return result


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
        _announce_after_commit(obj, event, payment, changes)
    return Applied(obj, changes, payment)


def _announce_after_commit(obj, event, payment, changes) -> None:
    on_commit_here(
        lambda: remote_object_changed.send(
            sender=RemoteObject, remote_object=obj, event=event, payment=payment, changes=changes
        )
    )
