"""A payment from the platform is applied in a few statements; its two confirmation emails
leave afterwards, in a task of their own, each sent once however often the task runs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from connectors import inbox
from connectors.models import InboundEvent
from connectors.tasks import drain_inbox
from payment_requests import tasks
from payment_requests.models import PaymentRequest
from payment_requests.tests.conftest import event_count, post_new_events

# The heaviest event of a payment: lock and read the event, the remote invoice and the
# request, record the payment on both sides, write each back, look for refunds waiting for
# it (12), in two transactions (in a test, savepoints: 4) with a savepoint around each
# payment's insert (4). A fixed number, whatever the account holds; no schema switch, no
# account lookup, no savepoint of its own.
MAX_STATEMENTS_TO_APPLY_A_PAYMENT = 20


@pytest.fixture
def queued_emails(monkeypatch):
    """Email tasks queued for the worker, not run."""
    queued = []
    monkeypatch.setattr(tasks.send_email, "delay", lambda *args: queued.append(args))
    return queued


def client_pays(emulator, connection_, tenant, item) -> list[int]:
    """The client pays on Stripe; its webhooks are stored (not applied): the events' ids."""
    since = event_count(emulator, connection_)
    emulator.state.pay_invoice(
        connection_.remote_account_id, item.remote.remote_id, "4242424242424242"
    )
    post_new_events(emulator, connection_, since)
    with schema_context(tenant.schema_name):
        return list(
            InboundEvent.objects.filter(processed_at__isnull=True).values_list("pk", flat=True)
        )


def test_applying_a_payment_queues_the_confirmations_instead_of_sending_them(
    stripe_platform,
    alpha_billing,
    alpha,
    sent_request,
    mailoutbox,
    queued_emails,
    django_capture_on_commit_callbacks,
):
    events = client_pays(stripe_platform, alpha_billing, alpha, sent_request)
    with schema_context(alpha.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            for pk in events:
                inbox.process(pk)
        assert PaymentRequest.objects.get().status == "paid"

    assert len(mailoutbox) == 1  # the request's own email: nothing sent while applying
    assert queued_emails == [(alpha.schema_name, sent_request.pk, "paid", "")]

    assert tasks.send_email.apply(args=queued_emails[0]).successful()
    confirmations = mailoutbox[1:]
    assert sorted(m.to[0] for m in confirmations) == ["ana@client.test", alpha.owner_email]
    assert all("150.00" in m.subject for m in confirmations)

    tasks.send_email.apply(args=queued_emails[0])  # the same message delivered again
    assert len(mailoutbox) == 3


def test_the_drain_applies_the_payment_and_queues_the_confirmations_once(
    stripe_platform,
    alpha_billing,
    alpha,
    sent_request,
    mailoutbox,
    queued_emails,
    django_capture_on_commit_callbacks,
):
    events = client_pays(stripe_platform, alpha_billing, alpha, sent_request)
    with django_capture_on_commit_callbacks(execute=True):
        assert drain_inbox(alpha.schema_name) == len(events)
    with django_capture_on_commit_callbacks(execute=True):
        assert drain_inbox(alpha.schema_name) == 0  # a drain queued twice: nothing left

    with schema_context(alpha.schema_name):
        paid = PaymentRequest.objects.get()
        assert (paid.status, paid.amount_paid) == ("paid", Decimal("150"))
        assert paid.payments.count() == 1
    assert len(mailoutbox) == 1  # the request's own email: nothing sent while applying
    assert queued_emails == [(alpha.schema_name, sent_request.pk, "paid", "")]


def test_with_the_broker_down_the_confirmations_are_sent_rather_than_lost(
    stripe_platform,
    alpha_billing,
    alpha,
    sent_request,
    mailoutbox,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    def broker_down(*args):
        raise OSError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_email, "delay", broker_down)
    events = client_pays(stripe_platform, alpha_billing, alpha, sent_request)
    with schema_context(alpha.schema_name), django_capture_on_commit_callbacks(execute=True):
        for pk in events:
            inbox.process(pk)

    assert sorted(m.to[0] for m in mailoutbox[1:]) == ["ana@client.test", alpha.owner_email]


def test_a_payment_is_applied_in_a_bounded_number_of_statements(
    stripe_platform,
    alpha_billing,
    alpha,
    sent_request,
    queued_emails,
    django_capture_on_commit_callbacks,
):
    events = client_pays(stripe_platform, alpha_billing, alpha, sent_request)
    statements = {}
    with schema_context(alpha.schema_name):
        for pk in events:
            with (
                CaptureQueriesContext(connection) as queries,
                django_capture_on_commit_callbacks(execute=True),
            ):
                inbox.process(pk)
            statements[InboundEvent.objects.get(pk=pk).event_type] = [
                q["sql"] for q in queries.captured_queries
            ]
        assert PaymentRequest.objects.get().status == "paid"
    assert max(map(len, statements.values())) <= MAX_STATEMENTS_TO_APPLY_A_PAYMENT, statements
