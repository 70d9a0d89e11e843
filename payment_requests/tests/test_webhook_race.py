"""Stripe's webhooks duplicated, shuffled and raced: every event stored once, applied once.

Stripe delivers at least once and in no particular order, several web processes receive at
the same time and several workers apply at the same time. The first test posts every event
of two invoices three times over, shuffled, from many threads to the signed endpoint, while
a worker with four processes drains the inbox (and every stored event is queued twice more
on its own, and the drain twice more, as a broker redelivering would). The others squeeze
each layer with threads released together: processing the inbox one event at a time,
draining it while its events are processed one at a time, applying to the platform invoice,
mirroring it on the request. Everything is committed for real, in an account of its own.
"""

from __future__ import annotations

import json
import queue
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from amqp.exceptions import ChannelError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.celery import app as celery_app
from billing_saas.testing.fixtures import celery_worker, client_on, install_client_billing
from billing_saas.testing.stripe import connect_stripe
from billing_saas.testing.threads import all_at_once, committed_account, in_thread
from clients.models import Client
from connectors import inbox, remote_state
from connectors.base import InboundPayload
from connectors.models import Connection, InboundEvent, RemoteObject, RemotePayment
from connectors.registry import platform_for
from connectors.tasks import drain_inbox, process_inbound_event
from emulators.stripe.server import TEST_WEBHOOK_SECRET, app_settings
from emulators.stripe.state import DECLINE_CARD, SUCCESS_CARD
from emulators.stripe.webhooks import sign
from notifications.models import OutboxMessage
from payment_requests import services
from payment_requests.models import Payment, PaymentRequest, StatusChange
from tenants.members.models import User
from tenants.models import Tenant

COPIES = 3  # each event delivered three times
DELIVERY_THREADS = 12  # web requests at the same time
WORKER_PROCESSES = 4  # tasks applied at the same time
REDELIVERIES = 2  # extra tasks per stored event


@pytest.fixture
def stripe_workers(stripe_platform, accounts, django_db_blocker):
    """Worker processes on emulated Stripe, keeping their emails in the dev outbox (the
    account's schema) where this test reads them."""
    env = app_settings(stripe_platform.url) | {
        "STRIPE_TIMEOUT_SECONDS": "5",
        "EMAIL_BACKEND": "notifications.backends.OutboxEmailBackend",
    }
    with celery_worker(django_db_blocker, env=env, concurrency=WORKER_PROCESSES) as worker:
        yield worker


@dataclass
class Race:
    tenant: Tenant
    owner: User
    connection: Connection
    website: PaymentRequest  # declined, paid, then refunded in two parts
    logo: PaymentRequest  # voided
    intent_id: str
    events: list[dict]


def two_sent_requests_and_what_stripe_did(stripe_platform) -> Race:
    """A committed account on emulated Stripe with two requests sent to one client.

    Then, on Stripe: the website's client tries a declined card, pays, and is refunded in
    two parts; the logo's invoice is voided from Stripe's dashboard."""
    stripe_platform.sender.paused = True  # the test delivers, as Stripe would

    def prepare():
        tenant, owner = committed_account("Race")
        install_client_billing(tenant)
        connection = connect_stripe(stripe_platform, tenant)
        with schema_context(tenant.schema_name):
            client = Client.objects.create(name="Cy Client", email="cy@client.test")
            sent = []
            for description in ("Website", "Logo"):
                draft = services.create_request(
                    actor=owner,
                    description=description,
                    client=client,
                    amount=Decimal("150.00"),
                    currency="EUR",
                    due_date=timezone.localdate() + timedelta(days=10),
                )
                sent.append(services.send_request(draft.pk, actor=owner))
        return tenant, owner, connection, sent

    tenant, owner, connection, (website, logo) = in_thread(prepare)
    state, account_id = stripe_platform.state, connection.remote_account_id
    state.pay_invoice(account_id, website.remote.remote_id, DECLINE_CARD)
    intent = state.pay_invoice(account_id, website.remote.remote_id, SUCCESS_CARD)
    with state.lock:
        data = state.accounts[account_id]
        state.refund(data, {"payment_intent": intent["id"], "amount": 5000}, False)
        state.refund(data, {"payment_intent": intent["id"]}, False)
        state.void_invoice(data, logo.remote.remote_id)
        events = list(data.events)
    return Race(tenant, owner, connection, website, logo, intent["id"], events)


def deliver_all_at_once(deliveries: list[dict]) -> list[tuple[int, int]]:
    """Post every delivery, signed, from many threads at once; (status, new) per delivery."""
    pending = queue.SimpleQueue()
    for event in deliveries:
        pending.put(event)

    def deliver():
        root, answers = client_on("localhost"), []
        while True:
            try:
                body = json.dumps(pending.get_nowait())
            except queue.Empty:
                return answers
            response = root.post(
                "/webhooks/stripe/test/",
                data=body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=sign(body, TEST_WEBHOOK_SECRET),
            )
            answers.append((response.status_code, response.json().get("new")))

    per_thread = all_at_once(DELIVERY_THREADS, deliver)
    return [answer for answers in per_thread for answer in answers]


def queue_again(tenant) -> int:
    """What a broker redelivering (or reconciliation) does: the same events queued again, on
    their own, and the account's drain too."""
    with schema_context(tenant.schema_name):
        pks = list(InboundEvent.objects.values_list("pk", flat=True))
    for pk in pks * REDELIVERIES:
        process_inbound_event.delay(tenant.schema_name, pk)
    for _copy in range(REDELIVERIES):
        drain_inbox.delay(tenant.schema_name)
    return len(pks)


def workers_hold_tasks_of(schema_name: str) -> bool:
    """Whether a worker runs or holds (reserved, or waiting for a retry's time) a task of
    this account, or the queue still has messages; other tests' leftovers do not count."""
    inspector = celery_app.control.inspect(timeout=1)
    replies = [inspector.active(), inspector.reserved(), inspector.scheduled()]
    if any(reply is None for reply in replies):
        return True  # no answer this time: ask again
    tasks = [
        task.get("request", task) for reply in replies for held in reply.values() for task in held
    ]
    with celery_app.connection_for_read() as broker:
        try:
            _name, waiting, _consumers = broker.default_channel.queue_declare(
                queue=celery_app.conf.task_default_queue, passive=True
            )
        except ChannelError:  # Redis drops an empty queue's key
            waiting = 0
    return waiting > 0 or any(schema_name in str(task.get("args")) for task in tasks)


def wait_until_everything_is_applied(tenant, within: float = 120):
    """Every stored event processed and the workers done with the account twice in a row
    (their last transactions' emails sent): only then can 'exactly one' be counted."""

    def unprocessed():
        with schema_context(tenant.schema_name):
            return InboundEvent.objects.filter(processed_at__isnull=True).count()

    deadline, done_in_a_row = time.monotonic() + within, 0
    while done_in_a_row < 2:
        assert time.monotonic() < deadline, "the workers did not finish in time"
        done = in_thread(unprocessed) == 0 and not workers_hold_tasks_of(tenant.schema_name)
        done_in_a_row = done_in_a_row + 1 if done else 0
        time.sleep(0.2)


def what_the_account_shows(tenant) -> dict:
    def read():
        with schema_context(tenant.schema_name):
            stored = InboundEvent.objects.all()
            requests = {item.pk: item for item in PaymentRequest.objects.all()}
            return {
                "stored": Counter(stored.values_list("event_id", flat=True)),
                "outcomes": set(stored.values_list("outcome", flat=True)),
                "remote payments": list(
                    RemotePayment.objects.values_list(
                        "remote_payment_id", "amount", "amount_refunded"
                    )
                ),
                "payments": list(
                    Payment.objects.values_list(
                        "request_id", "remote_payment__remote_payment_id", "amount_refunded"
                    )
                ),
                "statuses": {pk: item.status for pk, item in requests.items()},
                "paid": {pk: item.amount_paid for pk, item in requests.items()},
                "refunded": {pk: item.amount_refunded for pk, item in requests.items()},
                "moves": {
                    pk: list(
                        item.history.exclude(from_status=F("to_status")).values_list(
                            "to_status", flat=True
                        )
                    )
                    for pk, item in requests.items()
                },
                "failures noted": {
                    pk: item.history.filter(source=StatusChange.Source.CLIENT).count()
                    for pk, item in requests.items()
                },
                "remote": dict(RemoteObject.objects.values_list("remote_id", "status")),
                "flagged": RemoteObject.objects.filter(needs_attention=True).count(),
                "outbox": Counter(
                    (tuple(message.to), message.subject) for message in OutboxMessage.objects.all()
                ),
            }

    return in_thread(read)


def assert_each_applied_once(race: Race, seen: dict) -> None:
    """One stored event per event, one payment, one status and one move to it per request."""
    website, logo = race.website, race.logo
    assert seen["stored"] == Counter({event["id"]: 1 for event in race.events})
    assert seen["outcomes"] <= {"applied", "ignored"}  # nothing left pending or failed
    assert seen["remote payments"] == [(race.intent_id, Decimal("150"), Decimal("150"))]
    assert seen["payments"] == [(website.pk, race.intent_id, Decimal("150"))]
    assert seen["statuses"] == {website.pk: "refunded", logo.pk: "canceled"}
    assert seen["paid"] == {website.pk: Decimal("150"), logo.pk: Decimal("0")}
    assert seen["refunded"] == {website.pk: Decimal("150"), logo.pk: Decimal("0")}
    # Partially refunded on the way, unless the whole refund was applied first.
    assert seen["moves"][website.pk] in (
        ["draft", "sending", "sent", "paid", "partially_refunded", "refunded"],
        ["draft", "sending", "sent", "paid", "refunded"],
    )
    assert seen["moves"][logo.pk] == ["draft", "sending", "sent", "canceled"]
    # The declined card is noted once, or not at all when the payment was applied first.
    assert seen["failures noted"][website.pk] <= 1 and seen["failures noted"][logo.pk] == 0
    assert seen["remote"] == {website.remote.remote_id: "paid", logo.remote.remote_id: "void"}
    assert seen["flagged"] == 0


def receipts(race: Race) -> dict:
    """One receipt to the client, one notice to the request's creator; none for the void."""
    return {
        (("cy@client.test",), "Payment of €150.00 to Race Co received"): 1,
        ((race.owner.email,), "Cy Client paid €150.00"): 1,
    }


def assert_receipts_and_refunds_told_once(race: Race, outbox: Counter) -> None:
    """The receipts, then each reader told of the whole refund once; of the first part at
    most once (not when the whole refund was applied before it, or before the payment)."""
    whole = {
        (("cy@client.test",), "Your refund of €150.00 from Race Co"): 1,
        ((race.owner.email,), "Cy Client was refunded €150.00"): 1,
    }
    part = {
        (("cy@client.test",), "Your refund of €50.00 from Race Co"): 1,
        ((race.owner.email,), "Cy Client was refunded €50.00"): 1,
    }
    assert outbox - Counter(part) == Counter(receipts(race) | whole)
    assert all(outbox[message] <= 1 for message in part)


def test_raced_duplicated_shuffled_webhooks_give_one_event_one_payment_one_status_one_email(
    stripe_platform, stripe_workers
):
    race = two_sent_requests_and_what_stripe_did(stripe_platform)
    deliveries = race.events * COPIES
    random.Random(2024).shuffle(deliveries)

    answers = deliver_all_at_once(deliveries)

    # Every delivery answered, and exactly one of the copies of each event was new.
    assert len(answers) == len(deliveries)
    assert Counter(status for status, _new in answers) == {200: len(deliveries)}
    assert sum(new for _status, new in answers) == len(race.events)
    assert queue_again(race.tenant) == len(race.events)
    wait_until_everything_is_applied(race.tenant)
    seen = what_the_account_shows(race.tenant)
    assert_each_applied_once(race, seen)
    assert_receipts_and_refunds_told_once(race, seen["outbox"])  # the workers' emails


def ticket_machine():
    """Each caller's own number (0, 1, 2…), whatever the threads' interleaving."""
    counter, lock = iter(range(10_000)), threading.Lock()

    def take() -> int:
        with lock:
            return next(counter)

    return take


def test_every_event_taken_by_two_threads_at_the_same_moment_is_applied_once(
    stripe_platform, mailoutbox, accounts, monkeypatch
):
    """The workers' part squeezed: every stored event processed by two threads at once,
    all of them released together, so that their transactions overlap."""
    woken = []  # events a new payment queues again (a refund that came first)
    monkeypatch.setattr(inbox, "_enqueue", lambda schema, pk: woken.append(pk))
    applied, real_apply = [], inbox.apply

    def counted_apply(connection, event):
        applied.append(event)
        return real_apply(connection, event)

    monkeypatch.setattr(inbox, "apply", counted_apply)
    race = two_sent_requests_and_what_stripe_did(stripe_platform)
    mailoutbox.clear()  # the requests' own emails

    def store_all():
        with schema_context(race.tenant.schema_name):
            return [
                inbox.store(
                    race.connection.pk,
                    InboundPayload(event["id"], event["type"], event["account"], False, event),
                    source="webhook",
                )
                for event in race.events
            ]

    pks = in_thread(store_all) * 2
    random.Random(2025).shuffle(pks)
    ticket = ticket_machine()

    def process_one():
        with schema_context(race.tenant.schema_name):
            return inbox.process(pks[ticket()])

    outcomes = all_at_once(len(pks), process_one)

    assert len(outcomes) == len(pks) and set(outcomes) <= {"applied", "ignored", "pending"}
    # Each event reached the platform-neutral apply once, whichever of its two threads
    # took it (a refund that came before its payment is tried again: it waited).
    once = Counter(event.event_id for event in applied if event.refund is None)
    assert set(once.values()) == {1}

    def what_the_woken_tasks_do():
        with schema_context(race.tenant.schema_name):
            return [inbox.process(pk) for pk in woken]

    in_thread(what_the_woken_tasks_do)
    assert_each_applied_once(race, what_the_account_shows(race.tenant))
    outbox = Counter((tuple(mail.to), mail.subject) for mail in mailoutbox)
    assert_receipts_and_refunds_told_once(race, outbox)


def test_two_drains_and_every_events_own_task_at_the_same_moment_apply_each_event_once(
    stripe_platform, mailoutbox, accounts, monkeypatch
):
    """The drain squeezed: two drains of the account and, for every stored event, its own
    task (a redelivery, reconciliation), all released together. What a transaction applied
    is counted when it commits: a batch that lost a race is rolled back, then tried again
    one event at a time."""
    woken, retried = [], []  # refunds a payment wakes up; attempts that failed for now
    monkeypatch.setattr(inbox, "_enqueue", lambda schema, pk: woken.append(pk))
    monkeypatch.setattr(inbox, "retry_later", lambda schema, pk: retried.append(pk))
    applied = []
    real_apply, real_apply_many = inbox.apply, inbox.apply_many

    def counted_apply(connection, event):
        transaction.on_commit(lambda: applied.append(event))
        return real_apply(connection, event)

    def counted_apply_many(connection, events):
        transaction.on_commit(lambda: applied.extend(events))
        return real_apply_many(connection, events)

    monkeypatch.setattr(inbox, "apply", counted_apply)
    monkeypatch.setattr(inbox, "apply_many", counted_apply_many)
    race = two_sent_requests_and_what_stripe_did(stripe_platform)
    mailoutbox.clear()  # the requests' own emails

    def store_all():
        with schema_context(race.tenant.schema_name):
            return [
                inbox.store(
                    race.connection.pk,
                    InboundPayload(event["id"], event["type"], event["account"], False, event),
                    source="webhook",
                )
                for event in race.events
            ]

    jobs = ["drain", "drain", *in_thread(store_all)]
    random.Random(2026).shuffle(jobs)
    # An event's own task starts up to 30 ms late: some find their event claimed by a drain
    # (and wait for its batch), some are first and the drains skip their event.
    delays = [random.Random(2027 + number).uniform(0, 0.03) for number in range(len(jobs))]
    ticket = ticket_machine()

    def work():
        number = ticket()
        job = jobs[number]
        if job == "drain":
            return drain_inbox(race.tenant.schema_name)
        time.sleep(delays[number])
        with schema_context(race.tenant.schema_name):
            try:
                return inbox.process(job)
            except inbox.TRANSIENT:  # counted on the event; its retry comes later
                retried.append(job)

    all_at_once(len(jobs), work)

    once = Counter(event.event_id for event in applied if event.refund is None)
    assert set(once.values()) == {1}

    def what_retries_and_woken_tasks_do():
        with schema_context(race.tenant.schema_name):
            return [inbox.process(pk) for pk in retried + woken]

    in_thread(what_retries_and_woken_tasks_do)
    assert_each_applied_once(race, what_the_account_shows(race.tenant))
    outbox = Counter((tuple(mail.to), mail.subject) for mail in mailoutbox)
    assert_receipts_and_refunds_told_once(race, outbox)


def test_twenty_workers_applying_one_invoices_events_at_once_record_one_move_one_payment(
    stripe_platform, mailoutbox, accounts
):
    """Copies of the payment, of the paid invoice and of its older (open) snapshots, applied
    at the same moment: the invoice's row is locked, so 'paid' is never overwritten by an
    older snapshot and the payment is recorded once."""
    race = two_sent_requests_and_what_stripe_did(stripe_platform)
    mailoutbox.clear()  # the requests' own emails
    platform = platform_for(race.connection)
    website_id = race.website.remote.remote_id
    normalised = {
        event["type"]: platform.normalise(event)
        for event in race.events
        if event["type"] in ("invoice_payment.paid", "invoice.paid")
    }
    older = [
        platform.normalise(event)
        for event in race.events
        if event["type"] in ("invoice.finalized", "invoice.sent")
        and event["data"]["object"]["id"] == website_id
    ]
    batch = (
        [normalised["invoice_payment.paid"]] * 5
        + [normalised["invoice.paid"]] * 5
        + (older * 10)[:10]
    )
    ticket = ticket_machine()

    def apply_one():
        with schema_context(race.tenant.schema_name):
            return remote_state.apply(race.connection, batch[ticket()]).changes

    changes = all_at_once(len(batch), apply_one)

    assert len(changes) == 20
    assert sum("payment" in change for change in changes) == 1  # nineteen saw it recorded
    assert sum("status" in change for change in changes) == 1
    seen = what_the_account_shows(race.tenant)
    assert seen["remote"][website_id] == "paid"
    assert seen["remote payments"] == [(race.intent_id, Decimal("150"), Decimal("0"))]
    assert seen["payments"] == [(race.website.pk, race.intent_id, Decimal("0"))]
    assert seen["moves"][race.website.pk] == ["draft", "sending", "sent", "paid"]
    assert Counter((tuple(mail.to), mail.subject) for mail in mailoutbox) == receipts(race)


def test_twenty_workers_mirroring_one_paid_invoice_at_once_mark_it_paid_once(
    stripe_platform, mailoutbox, accounts
):
    """Several events of one payment each tell billing at about the same moment: the request
    is locked, so it moves to paid once and the receipts go once."""
    race = two_sent_requests_and_what_stripe_did(stripe_platform)
    mailoutbox.clear()  # the requests' own emails

    def paid_on_our_side():  # remembered without telling billing (what sending does)
        with schema_context(race.tenant.schema_name):
            remote = platform_for(race.connection).fetch_invoice(race.website.remote.remote_id)
            return remote_state.record(race.connection, RemoteObject.Kind.INVOICE, remote).pk

    pk = in_thread(paid_on_our_side)

    def mirror():
        with schema_context(race.tenant.schema_name):
            return services.apply_remote_change(RemoteObject.objects.get(pk=pk))

    answers = all_at_once(20, mirror)

    assert answers == [None] * 20
    seen = what_the_account_shows(race.tenant)
    assert seen["statuses"][race.website.pk] == "paid"
    assert seen["moves"][race.website.pk] == ["draft", "sending", "sent", "paid"]
    assert Counter((tuple(mail.to), mail.subject) for mail in mailoutbox) == receipts(race)
