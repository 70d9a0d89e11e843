"""A platform event that cannot be applied right now is retried, counted, and never lost."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.stripe import connect_stripe
from connectors import inbox, tasks
from connectors.base import ClientRef, InvoiceRequest, Money, PlatformError
from connectors.models import InboundEvent, RemoteObject, RemotePayment
from connectors.registry import platform_for
from emulators.stripe.server import TEST_WEBHOOK_SECRET
from emulators.stripe.webhooks import sign


@pytest.fixture
def paid_event(
    stripe_platform, alpha, root_client, monkeypatch, django_capture_on_commit_callbacks
):
    """An invoice paid on Stripe whose ``invoice.paid`` webhook was received and stored:
    (the arguments of the task that tries it alone, the invoice id)."""
    stripe_platform.sender.paused = True
    connection = connect_stripe(stripe_platform, alpha)
    account = stripe_platform.state.accounts[connection.remote_account_id]
    with schema_context(alpha.schema_name):
        remote = platform_for(connection).create_and_send_invoice(
            InvoiceRequest(
                local_id=7,
                idempotency_key="request:7:send:1",
                number="INV-7",
                description="Garden design",
                total=Money(Decimal("90.00"), "EUR"),
                due_date=date.today() + timedelta(days=10),
                client=ClientRef(3, "Bo Client", "bo@client.test"),
            )
        )
    start = len(account.events)
    stripe_platform.state.pay_invoice(connection.remote_account_id, remote.remote_id, "4242" * 4)
    paid = next(e for e in account.events[start:] if e["type"] == "invoice.paid")
    queued = []
    monkeypatch.setattr(tasks.drain_inbox, "delay", lambda *args: queued.append(args))
    body = json.dumps(paid)
    with django_capture_on_commit_callbacks(execute=True):
        response = root_client.post(
            "/webhooks/stripe/test/",
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(body, TEST_WEBHOOK_SECRET),
        )
    assert response.status_code == 200
    assert queued == [(alpha.schema_name,)]  # its drain; the tests run the task a retry runs
    with schema_context(alpha.schema_name):
        stored = InboundEvent.objects.get(event_id=paid["id"])
    return (alpha.schema_name, stored.pk), remote.remote_id


def failing_first(monkeypatch, times, error, recorded=None):
    """``inbox.apply`` fails ``times`` times with ``error``, then works; before each failure
    after the first, what the event says of earlier attempts goes to ``recorded``."""
    real = inbox.apply
    calls = []

    def apply(connection, event):
        calls.append(event.event_id)
        if recorded is not None and len(calls) > 1:
            recorded.append(InboundEvent.objects.values_list("attempts", "note").get())
        if len(calls) <= times:
            raise error
        return real(connection, event)

    monkeypatch.setattr(inbox, "apply", apply)
    return calls


def countdowns_of_retries(monkeypatch):
    countdowns = []
    retry = tasks.process_inbound_event.retry

    def recording_retry(**options):
        countdowns.append(options["countdown"])
        return retry(**options)

    monkeypatch.setattr(tasks.process_inbound_event, "retry", recording_retry)
    return countdowns


def test_a_database_hiccup_is_retried_with_backoff_and_the_event_applied_once(
    alpha, paid_event, monkeypatch
):
    arguments, invoice_id = paid_event
    recorded = []
    failing_first(monkeypatch, 2, OperationalError("server closed the connection"), recorded)
    countdowns = countdowns_of_retries(monkeypatch)

    result = tasks.process_inbound_event.apply(args=arguments)  # as the worker runs it

    assert result.get() == "applied"
    assert countdowns == [60, 120]
    note = "database: server closed the connection"
    assert recorded == [(1, note), (2, note)]  # each failed attempt counted, with its error
    with schema_context(alpha.schema_name):
        event = InboundEvent.objects.get()
        assert (event.outcome, event.attempts) == ("applied", 3)
        assert event.note == f"{invoice_id}: created, status, amount_paid"
        assert RemoteObject.objects.get(remote_id=invoice_id).status == "paid"


def test_a_poison_event_stops_after_the_last_attempt_and_stays_visible(
    alpha, paid_event, monkeypatch
):
    arguments, invoice_id = paid_event
    failing_first(monkeypatch, 99, PlatformError("Stripe is not answering.", retryable=True))
    countdowns = countdowns_of_retries(monkeypatch)

    assert tasks.process_inbound_event.apply(args=arguments).get() == "failed"

    assert countdowns == [60, 120, 240, 480, 960, 1920, 3600]
    with schema_context(alpha.schema_name):
        event = InboundEvent.objects.get()
        assert (event.outcome, event.attempts) == ("failed", inbox.MAX_ATTEMPTS)
        assert event.note == "Stripe is not answering." and event.processed_at is not None
        assert not RemoteObject.objects.filter(remote_id=invoice_id, status="paid").exists()
    later = timezone.now() + timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    tasks.reconcile_connections(alpha.schema_name)  # stopped: not retried again
    with schema_context(alpha.schema_name):
        assert InboundEvent.objects.get(pk=arguments[1]).attempts == inbox.MAX_ATTEMPTS


def test_reconciliation_applies_an_event_whose_retry_was_lost(alpha, paid_event, monkeypatch):
    arguments, invoice_id = paid_event
    failing_first(monkeypatch, 1, PlatformError("Stripe is not answering.", retryable=True))
    with pytest.raises(PlatformError):  # the worker's first attempt; its retry never comes
        tasks.process_inbound_event(*arguments)
    with schema_context(alpha.schema_name):
        event = InboundEvent.objects.get()
        assert (event.outcome, event.attempts, event.note) == (
            "pending",
            1,
            "Stripe is not answering.",
        )

    later = timezone.now() + timedelta(minutes=10)
    monkeypatch.setattr(timezone, "now", lambda: later)
    tasks.reconcile_connections(alpha.schema_name)

    with schema_context(alpha.schema_name):
        event = InboundEvent.objects.get(pk=arguments[1])
        assert (event.outcome, event.attempts) == ("applied", 2)
        assert RemoteObject.objects.get(remote_id=invoice_id).status == "paid"
        assert RemotePayment.objects.count() == 1
