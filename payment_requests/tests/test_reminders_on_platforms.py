"""The automatic reminder of a real platform invoice: one email to the client, from us."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from billing_saas.testing.quickbooks import connect_quickbooks
from billing_saas.testing.stripe import connect_stripe
from payment_requests import services, tasks
from payment_requests.tests.conftest import make_client, make_request


def run_the_hourly_job_on(tenant, day, hours, captured, monkeypatch) -> None:
    """The per-account job at these local hours of ``day`` (in the account's time zone)."""
    for hour in hours:
        moment = datetime.combine(day, time(hour, 5), tenant.tzinfo)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        with captured(execute=True):
            tasks.daily_schedule(tenant.schema_name)


def emails_to(mailoutbox, address):
    return [mail.subject.split(":")[0] for mail in mailoutbox if mail.to == [address]]


def send_a_request(tenant, captured):
    make_client(tenant)
    draft = make_request(tenant, days=10)
    with captured(execute=True), schema_context(tenant.schema_name):
        return services.send_request(draft.pk, actor=owner_of(tenant))


@pytest.fixture
def live_stripe(stripe_platform, alpha):
    stripe_platform.sender.paused = True
    return connect_stripe(stripe_platform, alpha, mode="live", business_name="Alpha Studio")


def test_a_stripe_invoice_is_reminded_once_by_our_email_and_never_by_stripes(
    stripe_platform,
    live_stripe,
    alpha,
    mailoutbox,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    item = send_a_request(alpha, django_capture_on_commit_callbacks)
    reminder_day = item.due_date - timedelta(days=3)

    run_the_hourly_job_on(
        alpha, reminder_day, [0, 1, 9, 23], django_capture_on_commit_callbacks, monkeypatch
    )
    run_the_hourly_job_on(
        alpha,
        reminder_day + timedelta(days=1),
        [9],
        django_capture_on_commit_callbacks,
        monkeypatch,
    )

    assert len(emails_to(mailoutbox, "ana@client.test")) == 2  # the request, one reminder
    assert mailoutbox[-1].subject.startswith("Reminder:")
    # Stripe's "invoice.sent" is its own invoice email going out (to the client, in live
    # mode): a reminder through Stripe would be a second email on the same day.
    events = stripe_platform.state.accounts[live_stripe.remote_account_id].events
    assert [
        e["type"]
        for e in events
        if e["type"] == "invoice.sent" and e["data"]["object"]["id"] == item.remote.remote_id
    ] == []


def test_a_quickbooks_invoice_is_reminded_once_by_our_email_and_never_by_quickbooks(
    quickbooks_platform, alpha, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    connect_quickbooks(quickbooks_platform, alpha)
    quickbooks_sends = []
    send_invoice = quickbooks_platform.state.send_invoice

    def counting_send(company, invoice_id, send_to):
        quickbooks_sends.append(invoice_id)  # QuickBooks emails its invoice to the client
        return send_invoice(company, invoice_id, send_to)

    monkeypatch.setattr(quickbooks_platform.state, "send_invoice", counting_send)
    item = send_a_request(alpha, django_capture_on_commit_callbacks)
    assert quickbooks_sends == [item.remote.remote_id]  # sending the invoice, as designed

    run_the_hourly_job_on(
        alpha,
        item.due_date - timedelta(days=3),
        [0, 9, 23],
        django_capture_on_commit_callbacks,
        monkeypatch,
    )

    assert len(emails_to(mailoutbox, "ana@client.test")) == 2  # the request, one reminder
    assert mailoutbox[-1].subject.startswith("Reminder:")
    assert quickbooks_sends == [item.remote.remote_id]  # no second email from QuickBooks
