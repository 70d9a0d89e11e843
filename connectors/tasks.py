"""Workers: apply stored platform events; reconcile what lost webhooks left behind."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import OperationalError
from django.utils import timezone

from connectors import inbox
from connectors.base import EventKind, PlatformError, RemoteStatus, WebhookEvent
from connectors.models import Connection, InboundEvent, RemoteObject
from connectors.registry import platform_for
from connectors.remote_state import FINAL, apply
from tenants.tasking import tenant_task

log = logging.getLogger(__name__)

# Stripe keeps events for 30 days; look back a little past our last pass to cover clock skew.
RECONCILE_OVERLAP = timedelta(minutes=10)
FIRST_RECONCILE_WINDOW = timedelta(days=3)
STALE_PENDING = timedelta(minutes=2)


@tenant_task(
    autoretry_for=inbox.TRANSIENT,
    # 1, 2, 4 … 32 minutes, then hourly: a platform or database outage of a few minutes
    # costs a few retries; ``inbox.process`` marks the event failed after its last attempt.
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=False,
    max_retries=inbox.MAX_ATTEMPTS,
)
def process_inbound_event(tenant, event_pk: int) -> str:
    return inbox.process(event_pk)


# The database gone for a moment: the drain tries again shortly (its events wait, unclaimed).
@tenant_task(autoretry_for=(OperationalError,), retry_backoff=5, max_retries=5)
def drain_inbox(tenant) -> int:
    """Apply the account's new webhook events in batches (``inbox.drain``)."""
    return inbox.drain(tenant.schema_name)


@tenant_task(ignore_result=False)  # its report is read (operators, tests)
def reconcile_connections(tenant) -> dict:
    """Fetch recent events, process leftovers, re-read open objects: repair lost webhooks."""
    report = {"account": tenant.slug, "fetched": 0, "new": 0, "processed": 0, "reread": 0}
    now = timezone.now()
    for connection in Connection.objects.filter(status=Connection.Status.CONNECTED):
        platform = platform_for(connection)
        since = (connection.reconciled_until or now - FIRST_RECONCILE_WINDOW) - RECONCILE_OVERLAP
        try:
            payloads = platform.recent_events(since)
        except PlatformError as error:
            log.warning("reconcile %s: %s", connection, error.message)
            continue
        report["fetched"] += len(payloads)
        for payload in payloads:
            if inbox.store(connection.pk, payload, source="reconciliation") is not None:
                report["new"] += 1
        connection.reconciled_until = now
        connection.save(update_fields=["reconciled_until"])
        report["reread"] += _reread_open_objects(connection, platform)
    pending = InboundEvent.objects.filter(processed_at__isnull=True).filter(
        source="reconciliation"
    ) | InboundEvent.objects.filter(processed_at__isnull=True, received_at__lt=now - STALE_PENDING)
    for event_pk in pending.order_by("received_at").values_list("pk", flat=True):
        try:
            inbox.process(event_pk)
            report["processed"] += 1
        except inbox.TRANSIENT as error:
            log.warning("event %s still pending: %s", event_pk, getattr(error, "message", error))
        except Exception:  # counted on the event; the others are still reconciled
            log.exception("event %s failed", event_pk)
    return report


def _reread_open_objects(connection: Connection, platform) -> int:
    """Payment links expire on their own; read open ones whose expiry has passed."""
    count = 0
    open_objects = RemoteObject.objects.filter(connection=connection).exclude(
        status__in=[status.value for status in FINAL]
    )
    for obj in open_objects.filter(
        kind=RemoteObject.Kind.PAYMENT_LINK, pay_url_expires_at__lt=timezone.now()
    ):
        try:
            remote = platform.fetch_payment_link(obj.remote_id)
        except PlatformError:
            continue
        if remote.status != RemoteStatus(obj.status):
            apply(
                connection,
                WebhookEvent(
                    event_id=f"reread:{obj.remote_id}",
                    object_kind=obj.kind,
                    remote_id=obj.remote_id,
                    occurred_at=timezone.now(),
                    kind=EventKind.EXPIRED if remote.status == RemoteStatus.EXPIRED else None,
                    status=remote.status,
                    amount_due=remote.amount_due,
                    amount_paid=remote.amount_paid,
                ),
            )
            count += 1
    return count
