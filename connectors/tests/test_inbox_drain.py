"""The drain: stored webhook events applied in batches, each batch in one transaction.

A batch costs a fixed few statements however many events it holds. What it cannot take is
processed one by one after it; a batch that fails is rolled back and its events processed
one by one, so that only the event that fails is counted against, retried and in the end
marked failed, while the others are applied.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from bench.deliveries import event as invoice_paid_event
from billing_saas.testing.stripe import connect_stripe
from connectors import inbox, tasks
from connectors.base import InboundPayload, PlatformError
from connectors.models import InboundEvent, RemoteObject, RemotePayment
from connectors.tests.test_stripe_webhooks import paid_invoice_events


@pytest.fixture
def alpha_connection(stripe_platform, alpha):
    stripe_platform.sender.paused = True  # tests deliver events themselves
    return connect_stripe(stripe_platform, alpha)


def store_all(connection_, events) -> list[int]:
    """What the webhooks store (their wake-ups aside)."""
    return [
        inbox.store(
            connection_.pk,
            InboundPayload(event["id"], event["type"], event["account"], False, event),
            source="webhook",
        )
        for event in events
    ]


def invoices_paid_on_the_platform(connection_, tag: str, count: int) -> list[dict]:
    """``invoice.paid`` events of invoices no request of ours follows (as in the bench)."""
    now = int(time.time())
    return [invoice_paid_event(connection_.remote_account_id, tag, n, now) for n in range(count)]


@pytest.fixture
def retries_queued(monkeypatch):
    """``process_inbound_event`` messages queued for later: (arguments, options)."""
    queued = []

    def apply_async(args, **options):
        queued.append((args, options))

    monkeypatch.setattr(tasks.process_inbound_event, "apply_async", apply_async)
    return queued


@pytest.mark.parametrize("count", [20, 60])
def test_a_batch_costs_the_same_few_statements_however_many_events_it_holds(
    alpha_connection, alpha, count, django_capture_on_commit_callbacks
):
    with schema_context(alpha.schema_name):
        store_all(alpha_connection, invoices_paid_on_the_platform(alpha_connection, "n", count))
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert inbox.drain(alpha.schema_name) == count
        assert set(InboundEvent.objects.values_list("outcome", "attempts")) == {("applied", 1)}
        assert RemoteObject.objects.filter(status="paid").count() == count

    # Claim, lock the objects, insert them, record the outcomes; the requests that follow
    # them (none) in one query; one more look, which finds nothing, and the last look from
    # the oldest a wake window later (inbox.WAKE_WINDOW). In a test, savepoints stand for
    # BEGIN and COMMIT; the account's search path is set once per task, not per batch.
    statements = [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "SET search_path"))
    ]
    assert len(statements) <= 8, statements


def test_a_failing_batch_is_tried_one_by_one_and_only_its_poison_event_ends_failed(
    stripe_platform, alpha_connection, alpha, retries_queued, monkeypatch
):
    remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    poison = json.loads(json.dumps(next(e for e in events if e["type"] == "invoice.paid")))
    poison["id"] = "evt_unreadable"
    del poison["data"]["object"]["currency"]  # an event we cannot read
    with schema_context(alpha.schema_name):
        store_all(alpha_connection, [events[0], poison, *events[1:]])

        assert inbox.drain(alpha.schema_name) == len(events) + 1

        bad = InboundEvent.objects.get(event_id="evt_unreadable")
        assert (bad.outcome, bad.attempts, bad.note) == ("pending", 1, "KeyError: 'currency'")
        others = InboundEvent.objects.exclude(pk=bad.pk)
        assert set(others.values_list("outcome", "attempts")) <= {
            ("applied", 1),
            ("ignored", 1),
        }
        assert RemoteObject.objects.get(remote_id=remote.remote_id).status == "paid"
        assert RemotePayment.objects.count() == 1
    assert retries_queued == []  # not a transient failure: reconciliation tries it again

    for minutes in range(10, 10 * (inbox.MAX_ATTEMPTS + 2), 10):
        later = timezone.now() + timedelta(minutes=minutes)
        monkeypatch.setattr(timezone, "now", lambda later=later: later)
        tasks.reconcile_connections(alpha.schema_name)
    with schema_context(alpha.schema_name):
        bad.refresh_from_db()
        assert (bad.outcome, bad.attempts) == ("failed", inbox.MAX_ATTEMPTS)
        assert bad.processed_at is not None  # stopped, and kept


def test_a_batch_that_loses_a_race_to_insert_an_object_is_tried_again_one_by_one(
    stripe_platform, alpha_connection, alpha, retries_queued, monkeypatch, caplog
):
    """Another worker inserts the invoice between the batch's look and its insert: the
    batch's unique conflict rolls it back, and its events are applied one by one."""
    from connectors import remote_state

    remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    locked = remote_state._locked_objects

    def looked_before_the_other_worker_inserted(connection_, remote_ids):
        found = locked(connection_, remote_ids)
        RemoteObject.objects.create(
            connection=connection_, remote_id=remote.remote_id, kind="invoice", currency="EUR"
        )
        return found

    monkeypatch.setattr(remote_state, "_locked_objects", looked_before_the_other_worker_inserted)
    with schema_context(alpha.schema_name):
        store_all(alpha_connection, events)

        assert inbox.drain(alpha.schema_name) == len(events)

        assert "IntegrityError" in caplog.text  # the batch's insert failed
        assert set(InboundEvent.objects.values_list("outcome", "attempts")) <= {
            ("applied", 1),
            ("ignored", 1),
        }
        obj = RemoteObject.objects.get(remote_id=remote.remote_id)
        assert (obj.status, obj.amount_paid) == ("paid", Decimal("250.00"))
        assert RemotePayment.objects.count() == 1
    assert retries_queued == []


def test_an_event_whose_platform_cannot_be_asked_is_retried_alone_with_backoff(
    stripe_platform, alpha_connection, alpha, retries_queued, monkeypatch
):
    remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    unreachable = next(e for e in events if e["type"] == "invoice_payment.paid")
    platform_class = type(inbox.platform_for(alpha_connection))
    normalise = platform_class.normalise

    def normalise_unless_unreachable(self, payload):
        if payload["id"] == unreachable["id"]:
            raise PlatformError("Stripe is not answering.", retryable=True)
        return normalise(self, payload)

    monkeypatch.setattr(platform_class, "normalise", normalise_unless_unreachable)
    with schema_context(alpha.schema_name):
        store_all(alpha_connection, events)

        inbox.drain(alpha.schema_name)

        waiting = InboundEvent.objects.get(event_id=unreachable["id"])
        assert (waiting.outcome, waiting.attempts) == ("pending", 1)
        assert waiting.note == "Stripe is not answering."
        assert RemoteObject.objects.get(remote_id=remote.remote_id).status == "paid"
        assert not RemotePayment.objects.exists()
    # As the per-event task's first retry: a minute later, its next one two minutes after.
    assert retries_queued == [((alpha.schema_name, waiting.pk), {"countdown": 60, "retries": 1})]

    monkeypatch.setattr(platform_class, "normalise", normalise)  # Stripe answers again
    assert tasks.process_inbound_event.apply(args=retries_queued[0][0], retries=1).get() == (
        "applied"
    )
    with schema_context(alpha.schema_name):
        waiting.refresh_from_db()
        assert (waiting.outcome, waiting.attempts) == ("applied", 2)
        assert RemotePayment.objects.count() == 1


def test_a_full_first_batch_wakes_a_second_drain_to_share_a_backlog(
    alpha_connection, alpha, monkeypatch
):
    monkeypatch.setattr(inbox, "DRAIN_BATCH", 5)
    woken = []
    monkeypatch.setattr(tasks.drain_inbox, "delay", lambda *args: woken.append(args))
    with schema_context(alpha.schema_name):
        store_all(alpha_connection, invoices_paid_on_the_platform(alpha_connection, "b", 12))

        assert inbox.drain(alpha.schema_name) == 12

    assert woken == [(alpha.schema_name,)]  # once: its later batches wake nobody
