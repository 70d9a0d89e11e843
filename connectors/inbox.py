"""Platform events in: verified, routed to one account, stored once, processed by a worker.

The webhook view only verifies, routes and stores (so it answers fast); ``process`` runs in a
Celery task, and reconciliation feeds events it fetched through the same two steps. Storing is
unique on (connection, event id), so duplicates and replays are no-ops.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from connectors.base import InboundPayload, PlatformError
from connectors.models import Connection, InboundEvent
from connectors.registry import app_for, platform_for
from connectors.remote_state import apply
from connectors.routing.models import AccountRoute

log = logging.getLogger(__name__)

DEAUTHORIZED = {"account.application.deauthorized"}


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
    """Apply one stored event in the current schema; idempotent. Returns the outcome."""
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
            # Stripe could not be asked for details right now: keep it pending for a retry.
            event.note = error.message
            event.save(update_fields=["attempts", "note"])
            if error.retryable and event.attempts < 5:
                raise
            outcome, note = InboundEvent.Outcome.FAILED, error.message
        event.outcome = outcome
        event.note = note
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
    if result.remote_object is None:
        return InboundEvent.Outcome.IGNORED, result.note
    summary = ", ".join(result.changes) or "no change"
    return InboundEvent.Outcome.APPLIED, f"{result.remote_object.remote_id}: {summary}"


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
