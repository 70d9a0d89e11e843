"""Accepting a webhook: one short transaction of a few statements, then the account's drain
woken (one message queued, unless one is already on its way); with Redis down it is stored
and answered at once, and reconciliation applies it."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from connectors.base import InboundPayload
from connectors.models import InboundEvent, RemoteObject
from connectors.tasks import STALE_PENDING, drain_inbox, reconcile_connections
from connectors.tests.test_stripe_webhooks import paid_invoice_events, post_event


@pytest.fixture
def alpha_connection(stripe_platform, alpha):
    from billing_saas.testing.stripe import connect_stripe

    stripe_platform.sender.paused = True  # tests deliver events themselves
    return connect_stripe(stripe_platform, alpha)


@pytest.fixture
def queued(monkeypatch):
    """Drains queued for the account, not run."""
    from connectors import tasks

    messages = []
    monkeypatch.setattr(tasks.drain_inbox, "delay", lambda *args: messages.append(args))
    return messages


@pytest.fixture
def redis_down(monkeypatch):
    """Redis unreachable, as Celery's broker and result store and as the cache where the
    drain's flag is kept: nothing listens on its port."""
    from django.conf import settings
    from django.core.cache import caches

    from billing_saas.celery import app
    from billing_saas.redis_cache import Cache

    closed_port = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(app.conf, "broker_url", closed_port)
    monkeypatch.setattr(app.conf, "result_backend", closed_port)
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    monkeypatch.setattr(app, "_local", threading.local())  # where Celery keeps its backend
    unreachable = Cache(closed_port, settings.CACHES["routing"])
    monkeypatch.setattr(caches._connections, "routing", unreachable)


def statements_of(queries) -> list[str]:
    # The test's own transaction turns the view's into a savepoint; in production those two
    # statements are BEGIN and COMMIT, which Django does not count as queries.
    return [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_an_accepted_webhook_is_one_lookup_and_one_insert_then_one_message(
    stripe_platform,
    alpha_connection,
    alpha,
    root_client,
    queued,
    django_capture_on_commit_callbacks,
):
    _remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    paid = next(e for e in events if e["type"] == "invoice.paid")
    root_client.get("/")  # the root host is remembered, as in any running web process

    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post_event(root_client, paid)

    assert response.json() == {"received": True, "new": 1}
    statements = statements_of(queries)
    assert len(statements) <= 3, statements
    assert [sql.split()[0] for sql in statements if not sql.startswith("SET ")] == [
        "SELECT",
        "INSERT",
    ]
    with schema_context(alpha.schema_name):
        assert InboundEvent.objects.filter(event_id=paid["id"]).exists()
    assert queued == [(alpha.schema_name,)]  # the account's drain, which finds the event


def test_a_redelivered_webhook_stores_and_queues_nothing_more(
    stripe_platform,
    alpha_connection,
    alpha,
    root_client,
    queued,
    django_capture_on_commit_callbacks,
):
    _remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(root_client, events[-1]).json()["new"] == 1

    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert post_event(root_client, events[-1]).json() == {"received": True, "new": 0}

    assert len(statements_of(queries)) <= 3
    assert len(queued) == 1
    with schema_context(alpha.schema_name):
        assert InboundEvent.objects.filter(event_id=events[-1]["id"]).count() == 1


def test_the_account_of_a_platform_account_is_remembered_until_it_disconnects(
    stripe_platform,
    alpha_connection,
    alpha,
    root_client,
    queued,
    django_capture_on_commit_callbacks,
):
    from connectors.services import disconnect

    _remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(root_client, events[0]).json()["new"] == 1
        with CaptureQueriesContext(connection) as queries:
            assert post_event(root_client, events[1]).json()["new"] == 1
        # The second delivery for the same account only inserts: no look-up of its account.
        statements = [sql for sql in statements_of(queries) if not sql.startswith("SET ")]
        assert [sql.split()[0] for sql in statements] == ["INSERT"]

        with schema_context(alpha.schema_name):
            disconnect(alpha_connection)  # its route is switched off by a bulk update
        assert post_event(root_client, events[2]).json() == {"received": True, "new": 0}
    with schema_context(alpha.schema_name):
        assert not InboundEvent.objects.filter(event_id=events[2]["id"]).exists()


def test_with_redis_down_a_webhook_is_stored_answered_at_once_and_applied_later(
    stripe_platform,
    alpha_connection,
    alpha,
    root_client,
    redis_down,
    django_capture_on_commit_callbacks,
):
    remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    paid = next(e for e in events if e["type"] == "invoice.paid")

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(root_client, paid)
    elapsed = time.monotonic() - started

    assert response.status_code == 200 and response.json()["new"] == 1
    assert elapsed < 1.0
    with schema_context(alpha.schema_name):
        stored = InboundEvent.objects.get(event_id=paid["id"])
        assert stored.source == "webhook" and stored.processed_at is None
        # Reconciliation takes up events left pending for a while.
        InboundEvent.objects.filter(pk=stored.pk).update(
            received_at=timezone.now() - STALE_PENDING - timedelta(seconds=1)
        )

    reconcile_connections(alpha.schema_name)

    with schema_context(alpha.schema_name):
        stored.refresh_from_db()
        assert stored.outcome == "applied" and stored.processed_at is not None
        assert RemoteObject.objects.get(remote_id=remote.remote_id).status == "paid"


def test_webhooks_while_a_drain_is_on_its_way_queue_nothing_more_until_it_looks(
    stripe_platform,
    alpha_connection,
    alpha,
    root_client,
    queued,
    django_capture_on_commit_callbacks,
):
    _remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    with django_capture_on_commit_callbacks(execute=True):
        for event in events[:3]:
            assert post_event(root_client, event).json()["new"] == 1
    assert queued == [(alpha.schema_name,)]  # one drain for the three

    assert drain_inbox(alpha.schema_name) == 3
    with django_capture_on_commit_callbacks(execute=True):
        for event in events[3:5]:
            assert post_event(root_client, event).json()["new"] == 1

    assert queued == [(alpha.schema_name,)] * 2  # the drain looked: the next wakes another
    with schema_context(alpha.schema_name):
        assert InboundEvent.objects.filter(processed_at__isnull=True).count() == 2


def test_an_event_stored_just_after_a_drains_look_wakes_another_drain(
    stripe_platform,
    alpha_connection,
    alpha,
    root_client,
    queued,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from connectors import inbox

    _remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(root_client, events[0])
    claim = inbox._claim_fresh
    looks = []

    def claim_then_a_webhook(after):
        claimed = claim(after)
        looks.append(after)
        if len(looks) == 1:  # its first look is done; a webhook stores an event and wakes
            late = events[1]
            payload = InboundPayload(late["id"], late["type"], late["account"], False, late)
            inbox.store(alpha_connection.pk, payload, "webhook", alpha.schema_name)
            inbox.wake_drain(alpha.schema_name)
        return claimed

    monkeypatch.setattr(inbox, "_claim_fresh", claim_then_a_webhook)
    drain_inbox(alpha.schema_name)

    assert queued == [(alpha.schema_name,)] * 2  # the first webhook's, and the late one's


def test_a_process_that_just_saw_the_flag_up_does_not_ask_redis_again(
    stripe_platform,
    alpha_connection,
    alpha,
    root_client,
    queued,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from django.core.cache import caches

    asked = []
    routing = caches["routing"]
    add = routing.add
    monkeypatch.setattr(routing, "add", lambda *args, **kw: asked.append(args) or add(*args, **kw))
    _remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    with django_capture_on_commit_callbacks(execute=True):
        for event in events[:3]:
            assert post_event(root_client, event).json()["new"] == 1

    assert len(asked) == 1  # the first webhook set the flag; the next two trusted it
    assert queued == [(alpha.schema_name,)]


def test_an_event_whose_webhook_trusted_the_flag_is_found_by_the_drains_last_look(
    stripe_platform, alpha_connection, alpha, root_client, queued, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """A webhook of another process, which saw the flag up a moment ago, stores an event
    right after the drain lowered the flag and found nothing: it wakes no one, and the
    drain's last look, a wake window later, takes it."""
    from connectors import inbox

    _remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    claim = inbox._claim_fresh
    stored = []

    def claim_then_a_trusting_webhook(after):
        claimed = claim(after)
        if not claimed and not stored:
            late = events[-1]
            payload = InboundPayload(late["id"], late["type"], late["account"], False, late)
            stored.append(inbox.store(alpha_connection.pk, payload, "webhook", alpha.schema_name))
        return claimed

    monkeypatch.setattr(inbox, "_claim_fresh", claim_then_a_trusting_webhook)
    with django_capture_on_commit_callbacks(execute=True):
        assert drain_inbox(alpha.schema_name) == 1

    assert queued == []  # nobody was woken: the same drain took it
    with schema_context(alpha.schema_name):
        assert InboundEvent.objects.get(pk=stored[0]).outcome == "applied"


def test_a_receipt_commits_without_waiting_for_the_disk_and_nothing_after_it_does(
    stripe_platform, alpha_connection, alpha
):
    """``synchronous_commit`` is off for the receipt's own transaction only: the connection
    (persistent, reused by the next request) commits money state durably again after it."""
    import psycopg
    from django.db import transaction

    from connectors import inbox
    from connectors.base import InboundPayload

    _remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    event = events[-1]
    payload = InboundPayload(event["id"], event["type"], event["account"], False, event)
    with transaction.atomic(), connection.cursor() as cursor:
        assert inbox.store(alpha_connection.pk, payload, "webhook", alpha.schema_name)
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "off"

    # Its own transaction only: a statement alone (a receipt in autocommit) leaves the
    # connection as it was.
    settings = connection.get_connection_params()
    with psycopg.connect(**settings, autocommit=True) as raw:
        raw.execute(f"SELECT {inbox.RECEIPT_COMMITS_WITHOUT_WAITING}")
        assert raw.execute("SHOW synchronous_commit").fetchone()[0] == "on"


def test_a_receipt_on_a_connection_lost_since_the_last_request_is_stored_on_a_new_one(
    stripe_platform, alpha_connection, alpha, root_client, queued, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """The webhook skips Django's connection check: a connection that died meanwhile is
    replaced when the insert fails, and the delivery is stored all the same."""
    from connectors import inbox

    _remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    failures = []

    class OnADeadConnectionOnce(inbox.psycopg.Cursor):
        def execute(self, query, *args, **kwargs):
            if not failures:
                failures.append(query)
                raise inbox.psycopg.OperationalError("server closed the connection unexpectedly")
            return super().execute(query, *args, **kwargs)

    monkeypatch.setattr(inbox.psycopg, "Cursor", OnADeadConnectionOnce)
    monkeypatch.setattr(inbox.db, "close", lambda: None)  # the test's transaction stays
    # As in production, where a one-event delivery is not inside a transaction.
    monkeypatch.setattr(inbox, "_inside_a_transaction", lambda: False)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(root_client, events[-1]).json()["new"] == 1
    assert len(failures) == 1
    with schema_context(alpha.schema_name):
        assert InboundEvent.objects.filter(event_id=events[-1]["id"]).count() == 1
