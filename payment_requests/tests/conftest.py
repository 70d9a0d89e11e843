from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, install_client_billing, owner_of
from billing_saas.testing.stripe import connect_stripe
from clients.models import Client
from clients.tests.conftest import make_client  # noqa: F401 - the tests import it from here
from connectors.tasks import drain_inbox
from emulators.stripe.server import TEST_WEBHOOK_SECRET
from emulators.stripe.webhooks import sign
from payment_requests import services


@pytest.fixture
def alpha_billing(stripe_platform, alpha):
    """Alpha connected to emulated Stripe (webhooks paused: tests deliver them)."""
    stripe_platform.sender.paused = True
    connection = connect_stripe(stripe_platform, alpha, business_name="Alpha Studio")
    return connection


@pytest.fixture
def owner_client(alpha):
    return client_on(alpha, owner_of(alpha))


def make_request(tenant, client=None, amount="150.00", currency="EUR", days=14, **extra):
    with schema_context(tenant.schema_name):
        client = client or Client.objects.first() or make_client(tenant)
        return services.create_request(
            actor=owner_of(tenant),
            description=extra.pop("description", "Consulting – June 2024"),
            client=client,
            amount=Decimal(amount),
            currency=currency,
            due_date=timezone.localdate() + timedelta(days=days),
            **extra,
        )


@pytest.fixture(autouse=True)
def _client_billing_installed(alpha, beta):
    install_client_billing(alpha)
    install_client_billing(beta)


def post_new_events(emulator, connection, since):
    """What Stripe's webhooks would do: post the account's new events (stored, not applied)."""
    post_events(emulator.state.accounts[connection.remote_account_id].events[since:])


def post_events(events):
    """Post these Stripe events, signed, to the webhook endpoint (stored, not applied)."""
    root = client_on("localhost")
    for event in events:
        body = json.dumps(event)
        response = root.post(
            "/webhooks/stripe/test/",
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(body, TEST_WEBHOOK_SECRET),
        )
        assert response.status_code == 200


def deliver_new_events(emulator, connection, tenant, since):
    """Post the account's new events as Stripe's webhooks would, then the worker woken by
    them drains the account's inbox."""
    post_new_events(emulator, connection, since)
    drain_inbox(tenant.schema_name)


def event_count(emulator, connection):
    return len(emulator.state.accounts[connection.remote_account_id].events)


def send(tenant, pk, captured):
    with captured(execute=True), schema_context(tenant.schema_name):
        return services.send_request(pk, actor=owner_of(tenant))


def link_from(mail):
    return next(word for word in mail.body.split() if "/pay/" in word)


@pytest.fixture
def sent_request(alpha_billing, alpha, mailoutbox, django_capture_on_commit_callbacks):
    make_client(alpha)
    draft = make_request(alpha)
    item = send(alpha, draft.pk, django_capture_on_commit_callbacks)
    return item


def decline_a_card(emulator, connection, tenant, item, captured):
    """The client tries to pay with a card that is declined; the webhooks are applied."""
    since = event_count(emulator, connection)
    emulator.state.pay_invoice(
        connection.remote_account_id, item.remote.remote_id, "4000000000000002"
    )
    with captured(execute=True):
        deliver_new_events(emulator, connection, tenant, since)
