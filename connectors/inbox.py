"""Platform events in: verified, routed to one account, stored once, processed by a worker.

The webhook view only verifies, routes and stores (so it answers fast); ``process`` runs in a
Celery task, and reconciliation feeds events it fetched through the same two steps. Storing is
unique on (connection, event id), so duplicates and replays are no-ops.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from datetime import timedelta
from functools import partial

from django.db import OperationalError, transaction
from django.db import connection as db
from django.utils import timezone

from connectors.base import InboundPayload, PlatformError
from connectors.models import Connection, InboundEvent
from connectors.registry import app_for, platform_for
from connectors.remote_state import apply
from connectors.routing.models import AccountRoute
from tenants import routing_cache
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
    """Verify (raises ``WebhookRejected``), route and store; returns how many were new.

    One short transaction: per event, its account is found (remembered by the process) and
    one insert stores it; the worker is told once it has committed. A delivery of one event
    (Stripe's are) needs no BEGIN and COMMIT: its insert is a transaction of its own."""
    payloads = app_for(platform).verify_webhook(mode, body, headers)
    stored = 0
    with transaction.atomic() if len(payloads) > 1 else nullcontext():
        for payload in payloads:
            route = _route(platform, mode, payload.account_ref)
            if route is None:
                log.info(
                    "%s event %s for unknown account %r ignored",
                    platform,
                    payload.event_id,
                    payload.account_ref,
                )
                continue
            schema_name, connection_id = route
            event_pk = store(connection_id, payload, source="webhook", schema_name=schema_name)
            if event_pk is not None:
                stored += 1
                transaction.on_commit(partial(_enqueue, schema_name, event_pk))
    return stored


def _route(platform: str, mode: str, account_ref: str) -> tuple[str, int] | None:
    """(schema name, connection id) of the active account the platform account belongs to,
    remembered by the process until an account or a route changes (``routing_cache``)."""
    return routing_cache.remembered(
        ("platform-account", platform, mode, account_ref),
        lambda: _look_up_route(platform, mode, account_ref),
    )


def _look_up_route(platform: str, mode: str, account_ref: str) -> tuple[str, int] | None:
    return (
        AccountRoute.objects.filter(
            platform=platform,
            mode=mode,
            remote_account_id=account_ref,
            active=True,
            tenant__is_active=True,
        )
        .values_list("tenant__schema_name", "connection_id")
        .first()
    )


def store(connection_id: int, payload: InboundPayload, source: str, schema_name: str = ""
          ) -> int | None:  # fmt: skip
    """The new inbox row's id, or ``None`` if this event was already stored.

    In ``schema_name`` (by default the active schema's), named in the statement itself: no
    schema switch for a webhook, and a duplicate costs no savepoint and no error, only a
    conflict the insert skips."""
    quote = db.ops.quote_name
    table = f"{quote(schema_name or db.schema_name)}.{quote(InboundEvent._meta.db_table)}"
    payload_value = InboundEvent._meta.get_field("payload").get_db_prep_save(payload.payload, db)
    with db.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (connection_id, event_id, event_type, payload, source,"
            " received_at, outcome, note, attempts) VALUES (%s, %s, %s, %s, %s, %s, %s, '', 0)"
            " ON CONFLICT (connection_id, event_id) DO NOTHING RETURNING id",
            [
                connection_id,
                payload.event_id,
                payload.event_type,
                payload_value,
                source,
                timezone.now(),
                InboundEvent.Outcome.PENDING,
            ],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _enqueue(schema_name: str, event_pk: int) -> None:
    """Hand the event to a worker. With the broker down this gives up after one quick attempt
    (CELERY_TASK_PUBLISH_RETRY in settings): the webhook is answered at once, and
    reconciliation applies the stored event later."""
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
