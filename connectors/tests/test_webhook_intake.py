"""Accepting a webhook: one short transaction of a few statements, then one message queued;
with the broker down it is stored and answered at once, and reconciliation applies it."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from connectors.models import InboundEvent, RemoteObject
from connectors.tasks import STALE_PENDING, reconcile_connections
from connectors.tests.test_stripe_webhooks import paid_invoice_events, post_event


@pytest.fixture
def alpha_connection(stripe_platform, alpha):
    from billing_saas.testing.stripe import connect_stripe

    stripe_platform.sender.paused = True  # tests deliver events themselves
    return connect_stripe(stripe_platform, alpha)


@pytest.fixture
def queued(monkeypatch):
    from connectors import tasks

    messages = []
    monkeypatch.setattr(tasks.process_inbound_event, "delay", lambda *args: messages.append(args))
    return messages


@pytest.fixture
def broker_down(monkeypatch):
    """Redis, Celery's broker and result store, unreachable: nothing listens on its port."""
    from billing_saas.celery import app

    closed_port = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(app.conf, "broker_url", closed_port)
    monkeypatch.setattr(app.conf, "result_backend", closed_port)
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    monkeypatch.setattr(app, "_local", threading.local())  # where Celery keeps its backend


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
        stored = InboundEvent.objects.get(event_id=paid["id"])
    assert queued == [(alpha.schema_name, stored.pk)]


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


def test_with_the_broker_down_a_webhook_is_stored_answered_at_once_and_applied_later(
    stripe_platform,
    alpha_connection,
    alpha,
    root_client,
    broker_down,
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
