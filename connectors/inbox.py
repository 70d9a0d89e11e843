"""Platform events in: verified, routed to one account, stored once, processed by a worker.

The webhook view only verifies, routes and stores (so it answers fast); ``process`` runs in a
Celery task, and reconciliation feeds events it fetched through the same two steps. Storing is
unique on (connection, event id), so duplicates and replays are no-ops.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, OperationalError, transaction
from django.db import connection as db
from django.utils import timezone
from django_tenants.utils import schema_context

from connectors.base import InboundPayload, PlatformError
from connectors.models import Connection, InboundEvent
from connectors.registry import app_for, platform_for
from connectors.remote_state import apply
from connectors.routing.models import AccountRoute
from tenants.schema import on_commit_here

log = logging.getLogger(__name__)

DEAUTHORIZED = {"account.application.deauthorized"}
# Failures worth another try later; each attempt is counted on the event, and after the
# last one it is marked failed (the task retries with backoff: about two hours in all).
TRANSIENT = (PlatformError, OperationalError)
MAX_ATTEMPTS = 8
# A refund of a payment we have not seen stays pending this long (reconciliation tries it
# again meanwhile); after that it refunds something that never went through us.
WAIT_FOR_PAYMENT = timedelta(days=1)


def receive_webhook(platform: str, mode: str, body: bytes, headers: dict) -> int:
    """Verify (raises ``WebhookRejected``), route and store; returns how many were new."""
    payloads = app_for(platform).verify_webhook(mode, body, headers)
    stored = 0
    for payload in payloads:
        route = (
            AccountRoute.objects.select_related("tenant")
            .filter(
                platform=platform, mode=mode, remote_account_id=payload.account_ref, active=True
            )
            .first()
        )
        if route is None or not route.tenant.is_active:
            log.info(
                "%s event %s for unknown account %r ignored",
                platform,
                payload.event_id,
                payload.account_ref,
            )
            continue
        with schema_context(route.tenant.schema_name):
            event = store(route.connection_id, payload, source="webhook")
            if event is not None:
                stored += 1
                schema_name = route.tenant.schema_name
                transaction.on_commit(lambda pk=event.pk, s=schema_name: _enqueue(s, pk))
    return stored


def store(connection_id: int, payload: InboundPayload, source: str) -> InboundEvent | None:
    """The new inbox row, or ``None`` if this event was already stored."""
    try:
        with transaction.atomic():
            return InboundEvent.objects.create(
                connection_id=connection_id,
                event_id=payload.event_id,
                event_type=payload.event_type,
                payload=payload.payload,
                source=source,
            )
    except IntegrityError:
        return None


def _enqueue(schema_name: str, event_pk: int) -> None:
    from connectors.tasks import process_inbound_event

    try:
        process_inbound_event.delay(schema_name, event_pk)
    except Exception:  # noqa: BLE001 - the broker being down loses nothing: reconciliation
        log.exception("could not queue event %s; reconciliation will process it", event_pk)


def process(event_pk: int) -> str:
    """Apply one stored event in the current schema; idempotent. Returns the outcome.

    A transient failure (the platform unreachable, a ``retryable`` ``PlatformError``; the
    database for a moment, an ``OperationalError``) rolls the attempt back, is counted on the
    event with its error, and is raised again for the caller to retry later. After
    ``MAX_ATTEMPTS`` the event is marked failed and kept with its last error: a poison event
    stops, visible, instead of being retried forever or lost."""
    try:
        return _process(event_pk)
    except TRANSIENT as error:
        return _failed_attempt(event_pk, error)


def _failed_attempt(event_pk: int, error: Exception) -> str:
    note = error.message if isinstance(error, PlatformError) else f"database: {error}"
    with transaction.atomic():
        event = InboundEvent.objects.select_for_update().filter(pk=event_pk).first()
        if event is None or event.processed_at is not None:  # applied meanwhile by another
            return event.outcome if event else "missing"
        event.attempts += 1
        event.note = note.strip()[:1000]
        if event.attempts < MAX_ATTEMPTS:
            event.save(update_fields=["attempts", "note"])
        else:
            log.error("event %s given up after %s attempts: %s", event_pk, event.attempts, note)
            event.outcome = InboundEvent.Outcome.FAILED
            event.processed_at = timezone.now()
            event.save(update_fields=["attempts", "note", "outcome", "processed_at"])
            return event.outcome
    raise error


def _process(event_pk: int) -> str:
    with transaction.atomic():
        event = (
            InboundEvent.objects.select_for_update(of=("self",))
            .select_related("connection")
            .filter(pk=event_pk)
            .first()
        )
        if event is None:  # never committed (its request failed), or purged since
            log.warning("inbound event %s not found in this account; nothing to do", event_pk)
            return "missing"
        if event.processed_at is not None:
            return event.outcome
        event.attempts += 1
        connection = event.connection
        try:
            outcome, note = _handle(connection, event)
        except PlatformError as error:
            if error.retryable:  # the platform could not be asked right now: try again later
                raise
            outcome, note = InboundEvent.Outcome.FAILED, error.message
        event.outcome = outcome
        event.note = note
        if outcome != InboundEvent.Outcome.PENDING:
            event.processed_at = timezone.now()
        event.save(update_fields=["attempts", "outcome", "note", "processed_at"])
        return outcome


def _handle(connection: Connection, event: InboundEvent) -> tuple[str, str]:
    if event.event_type in DEAUTHORIZED:
        _remote_disconnect(connection)
        return InboundEvent.Outcome.APPLIED, "access revoked on the platform"
    if event.event_type == "account.updated":
        return _account_updated(connection, event.payload)
    normalised = platform_for(connection).normalise(event.payload)
    if normalised is None:
        return InboundEvent.Outcome.IGNORED, ""
    result = apply(connection, normalised)
    if "payment" in result.changes:
        _retry_pending_after_commit(connection)
    if result.waiting and event.received_at > timezone.now() - WAIT_FOR_PAYMENT:
        return InboundEvent.Outcome.PENDING, result.note
    if result.remote_object is None:
        return InboundEvent.Outcome.IGNORED, result.note
    summary = ", ".join(result.changes) or "no change"
    return InboundEvent.Outcome.APPLIED, f"{result.remote_object.remote_id}: {summary}"


def _retry_pending_after_commit(connection: Connection) -> None:
    """A new payment: a refund of it that came first waits, pending; try it again now.

    Every pending event of the connection is queued once this payment commits: a refund
    being processed at this very moment has not committed its waiting state yet, but it was
    pending before and stays so, and its retry waits for its row lock."""
    schema_name = db.schema_name

    def retry():
        pending = InboundEvent.objects.filter(connection=connection, processed_at__isnull=True)
        for pk in pending.values_list("pk", flat=True):
            _enqueue(schema_name, pk)

    on_commit_here(retry)


def _remote_disconnect(connection: Connection) -> None:
    if connection.status == Connection.Status.DISCONNECTED:
        return
    connection.status = Connection.Status.NEEDS_RECONNECTING
    connection.save(update_fields=["status"])


def _account_updated(connection: Connection, payload: dict) -> tuple[str, str]:
    account = (payload.get("data") or {}).get("object") or {}
    changed, notes = [], []
    # Screens name the business, so a renamed account is renamed here too.
    name = app_for(connection.platform).account_name(account)
    if name and name != connection.display_name:
        connection.display_name = name
        changed.append("display_name")
        notes.append("name updated")
    if (
        connection.status == Connection.Status.ONBOARDING
        and account.get("charges_enabled")
        and account.get("details_submitted")
    ):
        connection.status = Connection.Status.CONNECTED
        changed.append("status")
        notes.append("onboarding complete")
    if not changed:
        return InboundEvent.Outcome.IGNORED, ""
    connection.save(update_fields=changed)
    return InboundEvent.Outcome.APPLIED, ", ".join(notes)
