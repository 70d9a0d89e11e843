"""Stripe webhooks: verified on the raw body, stored once, applied forward-only, per tenant."""

from __future__ import annotations

import json
import random
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.stripe import connect_stripe
from connectors import inbox
from connectors.base import ClientRef, InvoiceRequest, Money
from connectors.models import InboundEvent, RemoteObject, RemotePayment
from connectors.registry import platform_for
from connectors.tasks import drain_inbox, reconcile_connections
from emulators.stripe.server import TEST_WEBHOOK_SECRET
from emulators.stripe.webhooks import sign

URL = "/webhooks/stripe/test/"


def send_invoice(platform, amount="250.00", local_id=1):
    return platform.create_and_send_invoice(
        InvoiceRequest(
            local_id=local_id,
            idempotency_key=f"request:{local_id}:send:1",
            number=f"INV-{local_id}",
            description="Website redesign",
            total=Money(Decimal(amount), "EUR"),
            due_date=date.today() + timedelta(days=10),
            client=ClientRef(3, "Bo Client", "bo@client.test"),
        )
    )


@pytest.fixture
def alpha_connection(stripe_platform, alpha):
    stripe_platform.sender.paused = True  # tests deliver events themselves
    return connect_stripe(stripe_platform, alpha)


def events_of(emulator, account_id, since=0):
    return [e for e in emulator.state.accounts[account_id].events[since:]]


def post_event(root_client, event, secret=TEST_WEBHOOK_SECRET, timestamp=None, body=None):
    payload = body if body is not None else json.dumps(event)
    return root_client.post(
        URL,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, secret, timestamp),
    )


def process_all(tenant):
    """What the worker the webhooks woke does: drain the account's inbox."""
    drain_inbox(tenant.schema_name)


def paid_invoice_events(emulator, connection, tenant):
    with schema_context(tenant.schema_name):
        platform = platform_for(connection)
        start = len(emulator.state.accounts[connection.remote_account_id].events)
        remote = send_invoice(platform)
    emulator.state.pay_invoice(connection.remote_account_id, remote.remote_id, "4242424242424242")
    return remote, events_of(emulator, connection.remote_account_id, start)


def test_duplicated_and_shuffled_deliveries_record_exactly_one_payment(
    stripe_platform, alpha_connection, alpha, root_client
):
    remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    deliveries = events * 3
    random.Random(7).shuffle(deliveries)

    for event in deliveries:
        assert post_event(root_client, event).status_code == 200
    process_all(alpha)

    with schema_context(alpha.schema_name):
        assert InboundEvent.objects.count() == len(events)
        obj = RemoteObject.objects.get(remote_id=remote.remote_id)
        assert obj.status == "paid"
        assert obj.amount_paid == Decimal("250.00")
        (payment,) = RemotePayment.objects.all()
        assert payment.amount == Decimal("250.00") and payment.currency == "EUR"
        assert payment.method == "Visa •••• 4242"
        assert not obj.needs_attention


@pytest.mark.parametrize(
    "tamper",
    ["body", "secret", "stale", "future", "no-header"],
)
def test_untrustworthy_deliveries_are_refused_and_nothing_is_stored(
    stripe_platform, alpha_connection, alpha, root_client, tamper
):
    _remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    event = events[-1]
    body = json.dumps(event)
    if tamper == "body":
        signature = sign(body, TEST_WEBHOOK_SECRET)
        body = body.replace('"paid"', '"void"')
    elif tamper == "secret":
        signature = sign(body, "whsec_someone_else")
    elif tamper == "stale":
        signature = sign(body, TEST_WEBHOOK_SECRET, int(time.time()) - 301)
    elif tamper == "future":
        signature = sign(body, TEST_WEBHOOK_SECRET, int(time.time()) + 301)
    else:
        signature = ""
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature else {}
    response = root_client.post(URL, data=body, content_type="application/json", **headers)

    assert response.status_code == 400
    with schema_context(alpha.schema_name):
        assert not InboundEvent.objects.exists()


def test_a_live_endpoint_refuses_test_events(stripe_platform, alpha_connection, alpha,
                                              root_client):  # fmt: skip
    _remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    body = json.dumps(events[-1])
    response = root_client.post(
        "/webhooks/stripe/live/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body, "whsec_emulator_live"),
    )
    assert response.status_code == 400


def test_another_tenants_event_never_touches_this_tenant(
    stripe_platform, alpha_connection, alpha, beta, root_client
):
    beta_connection = connect_stripe(stripe_platform, beta)
    remote, events = paid_invoice_events(stripe_platform, beta_connection, beta)
    for event in events:
        assert post_event(root_client, event).status_code == 200
    process_all(alpha)
    process_all(beta)

    with schema_context(alpha.schema_name):
        assert not InboundEvent.objects.exists()
        assert not RemotePayment.objects.exists()
    with schema_context(beta.schema_name):
        assert RemoteObject.objects.get(remote_id=remote.remote_id).status == "paid"
        assert RemotePayment.objects.count() == 1


def test_an_unknown_account_is_acknowledged_and_ignored(stripe_platform, alpha_connection,
                                                         alpha, root_client):  # fmt: skip
    _remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    stranger = dict(events[-1], account="acct_nobodyweknow", id="evt_stranger")
    assert post_event(root_client, stranger).status_code == 200
    with schema_context(alpha.schema_name):
        assert not InboundEvent.objects.filter(event_id="evt_stranger").exists()


def test_a_late_paid_never_silently_resurrects_a_voided_invoice(
    stripe_platform, alpha_connection, alpha, root_client
):
    with schema_context(alpha.schema_name):
        platform = platform_for(alpha_connection)
        remote = send_invoice(platform)
    account = alpha_connection.remote_account_id
    start = len(stripe_platform.state.accounts[account].events)
    stripe_platform.state.pay_invoice(account, remote.remote_id, "4242424242424242")
    paid_events = events_of(stripe_platform, account, start)
    paid_event = next(e for e in paid_events if e["type"] == "invoice.paid")
    # A voided snapshot of the same invoice arrives first (as if void had won on Stripe).
    voided = json.loads(json.dumps(paid_event))
    voided.update(id="evt_voided_first", type="invoice.voided")
    voided["data"]["object"]["status"] = "void"
    voided["data"]["object"]["amount_paid"] = 0

    for event in [voided, *paid_events]:
        post_event(root_client, event)
    process_all(alpha)

    with schema_context(alpha.schema_name):
        obj = RemoteObject.objects.get(remote_id=remote.remote_id)
        assert obj.status == "void"
        assert obj.needs_attention and "check" in obj.attention_note
        assert RemotePayment.objects.count() == 1  # the money is never lost


def test_a_status_never_moves_back(stripe_platform, alpha_connection, alpha, root_client):
    remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    for event in reversed(events):  # invoice.paid first, invoice.finalized (open) last
        post_event(root_client, event)
    process_all(alpha)
    with schema_context(alpha.schema_name):
        assert RemoteObject.objects.get(remote_id=remote.remote_id).status == "paid"


def test_reconciliation_repairs_a_lost_webhook(stripe_platform, alpha_connection, alpha):
    remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    assert events  # Stripe has them; none was delivered to us

    report = reconcile_connections(alpha.schema_name)

    assert report["new"] >= len(events)
    with schema_context(alpha.schema_name):
        assert RemoteObject.objects.get(remote_id=remote.remote_id).status == "paid"
        assert RemotePayment.objects.count() == 1
    again = reconcile_connections(alpha.schema_name)
    assert again["new"] == 0
    with schema_context(alpha.schema_name):
        assert RemotePayment.objects.count() == 1


def test_a_declined_card_leaves_the_invoice_open_with_the_reason(
    stripe_platform, alpha_connection, alpha, root_client
):
    with schema_context(alpha.schema_name):
        remote = send_invoice(platform_for(alpha_connection))
    account = alpha_connection.remote_account_id
    start = len(stripe_platform.state.accounts[account].events)
    stripe_platform.state.pay_invoice(account, remote.remote_id, "4000000000000002")
    for event in events_of(stripe_platform, account, start):
        post_event(root_client, event)
    process_all(alpha)
    with schema_context(alpha.schema_name):
        obj = RemoteObject.objects.get(remote_id=remote.remote_id)
        assert obj.status == "open"
        assert obj.last_failure == "The card was declined."
        assert not RemotePayment.objects.exists()


def test_the_endpoint_answers_at_once_and_leaves_the_work_to_a_task(
    stripe_platform,
    alpha_connection,
    alpha,
    root_client,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from connectors import tasks

    queued = []
    monkeypatch.setattr(tasks.drain_inbox, "delay", lambda *args: queued.append(args))
    remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    paid = next(e for e in events if e["type"] == "invoice.paid")

    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(root_client, paid)

    assert response.status_code == 200 and response.json() == {"received": True, "new": 1}
    with schema_context(alpha.schema_name):
        stored = InboundEvent.objects.get(event_id=paid["id"])
        assert stored.processed_at is None  # nothing applied in the request itself
    assert queued == [(alpha.schema_name,)]  # the account's drain

    assert tasks.drain_inbox(*queued[0]) == 1
    with schema_context(alpha.schema_name):
        stored.refresh_from_db()
        assert (stored.outcome, stored.attempts) == ("applied", 1)
        assert RemoteObject.objects.get(remote_id=remote.remote_id).status == "paid"


def test_a_refund_is_recorded_on_its_payment_once(stripe_platform, alpha_connection, alpha,
                                                  root_client):  # fmt: skip
    remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    for event in events:
        post_event(root_client, event)
    process_all(alpha)
    account = alpha_connection.remote_account_id
    with schema_context(alpha.schema_name):
        intent_id = RemotePayment.objects.get().remote_payment_id
        api = platform_for(alpha_connection)
        start = len(stripe_platform.state.accounts[account].events)
        api.api.refunds.create(
            {"payment_intent": intent_id, "amount": 5000}, api._options("refund:1")
        )
        api.api.refunds.create(
            {"payment_intent": intent_id, "amount": 2500}, api._options("refund:2")
        )
    emitted = events_of(stripe_platform, account, start)
    assert [e["type"] for e in emitted] == ["charge.refunded", "refund.created"] * 2
    refunds = [e for e in emitted if e["type"] == "charge.refunded"]

    for event in [refunds[1], refunds[0], refunds[1]]:  # out of order and duplicated
        post_event(root_client, event)
    process_all(alpha)

    with schema_context(alpha.schema_name):
        payment = RemotePayment.objects.get()
        assert payment.amount_refunded == Decimal("75.00")
        assert RemoteObject.objects.get(remote_id=remote.remote_id).status == "paid"


def refund_events(emulator, connection, intent_id, *amounts):
    """The ``charge.refunded`` events of refunds made on the emulator (each has its
    ``refund.created`` too, which billing ignores: it carries no running total)."""
    account = connection.remote_account_id
    start = len(emulator.state.accounts[account].events)
    with emulator.state.lock:
        for amount in amounts:
            emulator.state.refund(
                emulator.state.accounts[account],
                {"payment_intent": intent_id, "amount": amount},
                False,
            )
    return [e for e in events_of(emulator, account, start) if e["type"] == "charge.refunded"]


def test_a_refund_delivered_before_its_payment_waits_for_it(
    stripe_platform,
    alpha_connection,
    alpha,
    root_client,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    queued = []
    monkeypatch.setattr(inbox, "_enqueue", lambda schema, pk: queued.append(pk))
    _remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    intent = next(e for e in events if e["type"] == "payment_intent.succeeded")["data"]["object"]
    (refund,) = refund_events(stripe_platform, alpha_connection, intent["id"], 5000)

    post_event(root_client, refund)
    for event in events:
        post_event(root_client, event)
    with schema_context(alpha.schema_name):
        waiting = InboundEvent.objects.get(event_id=refund["id"])
        assert inbox.process(waiting.pk) == "pending"  # its payment is not recorded yet
        with django_capture_on_commit_callbacks(execute=True):
            for event in events:
                inbox.process(InboundEvent.objects.get(event_id=event["id"]).pk)
        assert queued == [waiting.pk]  # the payment, once committed, wakes the refund up

        assert inbox.process(waiting.pk) == "applied"
        assert RemotePayment.objects.get().amount_refunded == Decimal("50.00")


def test_a_refund_of_a_payment_never_seen_is_ignored_after_a_day(
    stripe_platform, alpha_connection, alpha, root_client
):
    _remote, events = paid_invoice_events(stripe_platform, alpha_connection, alpha)
    intent = next(e for e in events if e["type"] == "payment_intent.succeeded")["data"]["object"]
    (refund,) = refund_events(stripe_platform, alpha_connection, intent["id"], 5000)
    post_event(root_client, refund)  # a charge made outside of our requests
    with schema_context(alpha.schema_name):
        waiting = InboundEvent.objects.get(event_id=refund["id"])
        assert inbox.process(waiting.pk) == "pending"
        InboundEvent.objects.filter(pk=waiting.pk).update(
            received_at=timezone.now() - inbox.WAIT_FOR_PAYMENT - timedelta(minutes=1)
        )
        assert inbox.process(waiting.pk) == "ignored"
        assert not RemotePayment.objects.exists()
