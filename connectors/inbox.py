"""Platform events in: verified, routed to one account, stored once, applied by a worker.

The webhook view only verifies, routes and stores (so it answers fast), then wakes the
account's drain: one ``drain_inbox`` task takes the stored events in batches and applies
each batch in one transaction (``drain``); reconciliation feeds events it fetched through
``store`` and ``process``. Storing is unique on (connection, event id), so duplicates and
replays are no-ops.

Waking is one Redis key per account (``DRAIN_FLAG``), set if absent: only the webhook that
set it queues a drain, and the drain deletes it before each look for events, so an event
stored after a look finds it gone and queues another. With Redis down the webhook is still
stored and answered; reconciliation applies it a few minutes later.

Events already tried (a refund waiting for its payment, a transient failure) are not the
drain's: they are retried one by one (``process``, the ``process_inbound_event`` task), each
attempt counted; after ``MAX_ATTEMPTS`` the event is marked failed and kept.
"""

from __future__ import annotations

import logging
import time
from contextlib import nullcontext
from datetime import timedelta
from functools import partial

import psycopg
from django.core.cache import caches
from django.db import OperationalError, transaction
from django.db import connection as db
from django.utils import timezone
from redis.exceptions import RedisError

from billing_saas.celery import app as celery_app
from connectors import connection_events
from connectors.base import InboundPayload, PlatformError
from connectors.bulk import update_each
from connectors.models import Connection, InboundEvent, RemotePayment
from connectors.registry import app_for, platform_for
from connectors.remote_state import apply, apply_many, batchable
from connectors.routing.models import AccountRoute
from connectors.signals import subscription_event
from tenants import routing_cache
from tenants.schema import on_commit_here

log = logging.getLogger(__name__)

# Failures worth another try soon: the task retries them with backoff (about two hours in
# all). Every failed attempt, of these or any other, is counted on the event, and after the
# last one it is marked failed.
TRANSIENT = (PlatformError, OperationalError)
MAX_ATTEMPTS = 8
# A refund of a payment we have not seen stays pending this long (reconciliation tries it
# again meanwhile); after that it refunds something that never went through us.
WAIT_FOR_PAYMENT = timedelta(days=1)
# The drain's wake-up key, in the ``routing`` cache: one key whatever schema is active (the
# webhook runs in the public schema, the drain in the account's), and short timeouts. It
# expires in case its drain was lost; the next webhook then queues another.
DRAIN_FLAG = "inbox-drain:{schema_name}"
DRAIN_FLAG_SECONDS = 30
DRAIN_BATCH = 200
# How long a process trusts a drain flag it saw up (``wake_drain``); a drain's last look
# waits this long after it lowered the flag.
WAKE_WINDOW = 0.05
# For the receipt's transaction only (``true``: local), see ``store``.
RECEIPT_COMMITS_WITHOUT_WAITING = "set_config('synchronous_commit', 'off', true)"


def receive_webhook(platform: str, mode: str, body: bytes, headers: dict) -> int:
    """Verify (raises ``WebhookRejected``), route and store; returns how many were new.

    One short transaction: per event, its account is found (remembered by the process) and
    one insert stores it; the account's drain is woken once it has committed. A delivery of
    one event (Stripe's are) needs no BEGIN and COMMIT: its insert is a transaction of its own."""
    payloads = app_for(platform).verify_webhook(mode, body, headers)
    stored, woken = 0, set()
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
                if schema_name not in woken:
                    woken.add(schema_name)
                    transaction.on_commit(partial(wake_drain, schema_name))
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
    conflict the insert skips.

    The receipt commits without waiting for the disk (``synchronous_commit`` off for its
    transaction only, set by the statement itself: no round trip more). A receipt is not
    money state: it is visible at once and survives any crash of ours; a crash of the
    PostgreSQL server itself could lose the last fraction of a second of receipts, and
    reconciliation fetches those events again from the platform (``reconcile_connections``).
    Applying an event, the money state, commits as everything else does."""
    quote = db.ops.quote_name
    table = f"{quote(schema_name or db.schema_name)}.{quote(InboundEvent._meta.db_table)}"
    payload_value = InboundEvent._meta.get_field("payload").get_db_prep_save(payload.payload, db)
    row = _one_statement(
        f"INSERT INTO {table} (connection_id, event_id, event_type, payload, source,"
        " received_at, outcome, note, attempts) VALUES (%s, %s, %s, %s, %s, %s, %s, '', 0)"
        " ON CONFLICT (connection_id, event_id) DO NOTHING"
        f" RETURNING id, {RECEIPT_COMMITS_WITHOUT_WAITING}",
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
    return row[0] if row else None


def _inside_a_transaction() -> bool:
    return db.in_atomic_block


def _one_statement(sql: str, params: list):
    """Run a statement that names its schema, in one round trip: without the connection
    check Django makes before a request's first query, nor the ``SET search_path``
    django-tenants sends with it (often all a webhook would query). A connection found dead
    is replaced and the statement sent once more, as the check would have done; inside a
    transaction the error is the caller's.

    It is a prepared statement (server-side parameters, ``prepare_threshold`` in settings):
    parsed and planned once per connection, not once per webhook."""
    for last_try in (False, True):
        db.ensure_connection()
        try:
            started = time.monotonic()
            with db.wrap_database_errors, psycopg.Cursor(db.connection) as cursor:
                cursor.execute(sql, params, prepare=True)
                row = cursor.fetchone()
            if db.queries_logged:  # as Django's own cursors do (tests count statements)
                db.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
            return row
        except OperationalError:
            if last_try or _inside_a_transaction():
                raise
            log.warning("database connection lost; reconnecting", exc_info=True)
            db.close()
    return None


def wake_drain(schema_name: str) -> None:
    """Have a drain look at the account's inbox after this moment (call it once the events
    are committed). Only the caller that sets the flag queues one: a drain queued or running
    meanwhile has not looked yet, since it deletes the flag before each look.

    A process that saw the flag up less than ``WAKE_WINDOW`` ago does not ask again: the
    drain that will lower that flag looks for events once more, from the oldest, at least
    ``WAKE_WINDOW`` after lowering it, before it stops (``drain``). Under load that is one
    Redis call saved on most webhooks.

    With Redis down this gives up after one quick attempt (the cache's short timeouts,
    CELERY_TASK_PUBLISH_RETRY in settings): the webhook is answered at once, and
    reconciliation applies the stored events later."""
    now = time.monotonic()
    if now - _flag_seen_up.get(schema_name, -WAKE_WINDOW) < WAKE_WINDOW:
        return
    flag = DRAIN_FLAG.format(schema_name=schema_name)
    try:
        if not caches["routing"].add(flag, 1, DRAIN_FLAG_SECONDS):
            _flag_seen_up[schema_name] = now
            return
    except RedisError:
        pass  # Redis is the broker too: the drain is very likely not queued either; try
    try:
        _task("drain_inbox").delay(schema_name)
    except Exception:  # noqa: BLE001 - the broker being down loses nothing: reconciliation
        log.exception("could not queue the drain of %s; reconciliation will apply", schema_name)
        _lower_flag(schema_name)  # the next webhook tries again
    else:
        _flag_seen_up[schema_name] = now


# When this process last saw each account's drain flag up (set by it or by another): time.
_flag_seen_up: dict[str, float] = {}


def forget_flags_seen() -> None:
    """For tests, whose cache is emptied between them (and the flags with it)."""
    _flag_seen_up.clear()


def _lower_flag(schema_name: str) -> None:
    _flag_seen_up.pop(schema_name, None)  # this process knows it is down now
    try:
        caches["routing"].delete(DRAIN_FLAG.format(schema_name=schema_name))
    except RedisError:
        log.warning("could not delete the drain flag of %s; it expires", schema_name)


def _enqueue(schema_name: str, event_pk: int) -> None:
    """Have a worker try one event again (``process_inbound_event``). With the broker down
    this gives up after one quick attempt; reconciliation processes the event later."""
    try:
        _task("process_inbound_event").delay(schema_name, event_pk)
    except Exception:  # noqa: BLE001 - the broker being down loses nothing: reconciliation
        log.exception("could not queue event %s; reconciliation will process it", event_pk)


def retry_later(schema_name: str, event_pk: int) -> None:
    """An event a drain tried and could not apply for now: tried again as the
    ``process_inbound_event`` task's first retry would be (its attempt is counted on the
    event), and so on with backoff."""
    task = _task("process_inbound_event")
    task.apply_async((schema_name, event_pk), countdown=task.retry_backoff, retries=1)


def _task(name: str):
    """A task of ``connectors/tasks.py``, found in Celery's registry by name: that module
    calls this one, so this one does not import it back."""
    return celery_app.tasks[f"connectors.tasks.{name}"]


# ---- the drain: fresh events in batches -------------------------------------------------------
def drain(schema_name: str) -> int:
    """Apply the account's fresh events (stored, never tried) until none is left; returns
    how many it took. Runs in the account's schema (the ``drain_inbox`` task).

    Each batch is claimed with ``SKIP LOCKED``: two drains at once share the work, neither
    waits for the other. A drain's first look starts from the oldest event, its later ones
    after its last batch: an event that commits late, below that, is found by the first look
    of the drain queued last (its webhook found the flag gone, or set by a drain that had
    not looked yet). A full first batch wakes a second drain: a backlog keeps two busy."""
    taken, after = 0, 0
    lowered_at = 0.0
    while True:
        _lower_flag(schema_name)  # before the look: whatever commits after it wakes another
        lowered_at = time.monotonic()
        claimed = _drain_batch(schema_name, after)
        if not claimed:
            # The last look, from the oldest (events that committed late, below ``after``),
            # when webhooks that trusted the flag up to WAKE_WINDOW ago have committed: they
            # woke no one.
            time.sleep(max(0.0, lowered_at + WAKE_WINDOW - time.monotonic()))
            claimed = _drain_batch(schema_name, 0)
            if not claimed:
                return taken
        if after == 0 and len(claimed) == DRAIN_BATCH:
            wake_drain(schema_name)
        taken += len(claimed)
        after = claimed[-1]


def _drain_batch(schema_name: str, after: int) -> list[int]:
    """Claim, apply and commit one batch; the ids claimed, in order.

    Events the batch does not take (refunds, account events, and any whose platform could
    not be asked) are processed one by one once it has committed; if the batch fails as a
    whole, it is rolled back and every one of its events is processed one by one, so that
    only what really fails is counted against it."""
    claimed, alone = [], []
    try:
        with transaction.atomic():
            events = _claim_fresh(after)
            claimed = [event.pk for event in events]
            alone = _apply_batch(events)
    except Exception:  # noqa: BLE001 - any failure: the events are tried one by one instead
        if not claimed:
            raise  # the claim itself failed (the database is down): nothing was taken
        # Another worker inserting one of its objects at the same moment, or one bad event.
        log.warning("batch of %s events failed; one by one", len(claimed), exc_info=True)
        alone = claimed
    for event_pk in alone:
        _process_alone(schema_name, event_pk)
    return claimed


def _claim_fresh(after: int) -> list[InboundEvent]:
    return list(
        InboundEvent.objects.select_for_update(skip_locked=True)
        .filter(processed_at__isnull=True, attempts=0, pk__gt=after)
        .order_by("pk")[:DRAIN_BATCH]
    )


def _apply_batch(events: list[InboundEvent]) -> list[int]:
    """Apply the events ``apply_many`` takes, one connection at a time, and record their
    outcomes in one statement; the ids of the others, for ``process``."""
    by_connection, alone, done = {}, [], []
    for event in events:
        by_connection.setdefault(event.connection_id, []).append(event)
    # Mostly one: fetched once, not once per event.
    connections = Connection.objects.in_bulk(by_connection)
    for connection_id, stored in by_connection.items():
        connection = connections[connection_id]
        taken, ignored, not_taken = _sort_out(connection, stored)
        alone += not_taken
        done += [(event, InboundEvent.Outcome.IGNORED, "") for event in ignored]
        results = apply_many(connection, [normalised for _event, normalised in taken])
        for (event, _normalised), result in zip(taken, results, strict=True):
            summary = ", ".join(result.changes) or "no change"
            note = f"{result.remote_object.remote_id}: {summary}"
            done.append((event, InboundEvent.Outcome.APPLIED, note))
        if any("payment" in result.changes for result in results):
            _retry_pending_after_commit(connection)
    _record_outcomes(done)
    return sorted(alone)


def _sort_out(connection: Connection, events: list[InboundEvent]):
    """(event, normalised) pairs ``apply_many`` takes; events billing ignores; ids of events
    to process alone: connection events, refunds, failed attempts known by our request only,
    and any whose platform could not be asked (``process`` retries or fails those)."""
    platform = platform_for(connection)
    taken, ignored, alone = [], [], []
    for event in events:
        if platform.connection_event(event.payload) is not None:
            alone.append(event.pk)
            continue
        try:
            normalised = platform.normalise(event.payload)
        except PlatformError:
            alone.append(event.pk)
            continue
        if normalised is None:
            ignored.append(event)
        elif batchable(normalised):
            taken.append((event, normalised))
        else:
            alone.append(event.pk)
    return taken, ignored, alone


def _record_outcomes(done: list[tuple[InboundEvent, str, str]]) -> None:
    if not done:
        return
    now = timezone.now()
    for event, outcome, note in done:
        event.attempts += 1
        event.outcome, event.note, event.processed_at = outcome, note, now
    update_each(
        InboundEvent,
        [event for event, _outcome, _note in done],
        ["attempts", "outcome", "note", "processed_at"],
    )


def _process_alone(schema_name: str, event_pk: int) -> None:
    """``process`` for a drain: a failure is counted on the event by ``process``; a transient
    one is tried again later as the ``process_inbound_event`` task would, any other is left
    to reconciliation (as when that task fails)."""
    try:
        process(event_pk, first_try=True)
    except TRANSIENT:
        retry_later(schema_name, event_pk)
    except Exception:  # noqa: BLE001 - one event's failure must not stop the others'
        log.exception("event %s failed; reconciliation will try it again", event_pk)


# ---- one event at a time ----------------------------------------------------------------------
def process(event_pk: int, *, first_try: bool = False) -> str:
    """Apply one stored event in the current schema; idempotent. Returns the outcome.

    A failure rolls the attempt back, is counted on the event with its error, and is raised
    again for the caller: a transient one (the platform unreachable, a ``retryable``
    ``PlatformError``; the database for a moment, an ``OperationalError``) to retry later,
    any other (an event we cannot read) for reconciliation to try again. After
    ``MAX_ATTEMPTS`` the event is marked failed and kept with its last error: a poison event
    stops, visible, instead of being retried forever or lost.

    ``first_try``: only an event never tried (a drain's: another drain may have just tried
    it, and its attempt and retry are already under way)."""
    try:
        return _process(event_pk, first_try)
    except Exception as error:
        return _failed_attempt(event_pk, error)


def _failed_attempt(event_pk: int, error: Exception) -> str:
    if isinstance(error, PlatformError):
        note = error.message
    elif isinstance(error, OperationalError):
        note = f"database: {error}"
    else:
        note = f"{type(error).__name__}: {error}"
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


def _process(event_pk: int, first_try: bool) -> str:
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
        if event.processed_at is not None or (first_try and event.attempts):
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
    platform = platform_for(connection)
    about_the_connection = platform.connection_event(event.payload)
    if about_the_connection is not None:
        note = connection_events.handle(connection, about_the_connection)
        return (InboundEvent.Outcome.APPLIED if note else InboundEvent.Outcome.IGNORED), note
    normalised = platform.normalise(event.payload)
    if normalised is None:
        return InboundEvent.Outcome.IGNORED, ""
    if normalised.object_kind == "subscription":
        notes = [note for _receiver, note in subscription_event.send(
            sender=Connection, connection=connection, event=normalised) if note]  # fmt: skip
        if not notes:
            return InboundEvent.Outcome.IGNORED, ""
        return InboundEvent.Outcome.APPLIED, "; ".join(notes)
    result = apply(connection, normalised)
    if "payment" in result.changes:
        _retry_pending_after_commit(connection)
    if result.waiting and event.received_at > timezone.now() - WAIT_FOR_PAYMENT:
        _look_again_after_commit(connection, event.pk, normalised.refund.remote_payment_id)
        return InboundEvent.Outcome.PENDING, result.note
    if result.remote_object is None:
        return InboundEvent.Outcome.IGNORED, result.note
    summary = ", ".join(result.changes) or "no change"
    return InboundEvent.Outcome.APPLIED, f"{result.remote_object.remote_id}: {summary}"


def _retry_pending_after_commit(connection: Connection) -> None:
    """A new payment: a refund of it that came first waits, pending; try it again now.

    Every pending event of the connection already tried is queued once this payment commits
    (events never tried are a drain's, and find the payment when it takes them). A refund
    being tried at this very moment has not committed its waiting state yet: it looks for
    its payment again once it has (``_look_again_after_commit``)."""
    schema_name = db.schema_name

    def retry():
        pending = InboundEvent.objects.filter(
            connection=connection, processed_at__isnull=True, attempts__gt=0
        )
        for pk in pending.values_list("pk", flat=True):
            _enqueue(schema_name, pk)

    on_commit_here(retry)


def _look_again_after_commit(connection: Connection, event_pk: int, remote_payment_id: str
                             ) -> None:  # fmt: skip
    """A refund waits for its payment. If the payment commits while this waiting state does,
    the payment's worker may not see it pending yet; so once committed, this side looks for
    the payment again: one of the two always sees the other."""
    schema_name = db.schema_name

    def look_again():
        payments = RemotePayment.objects.filter(
            connection=connection, remote_payment_id=remote_payment_id
        )
        if payments.exists():
            _enqueue(schema_name, event_pk)

    on_commit_here(look_again)
