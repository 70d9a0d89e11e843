"""Shared helpers of the subscription tests: an account on emulated Stripe (webhooks paused:
the tests deliver its events through the inbox), plans, subscribing on the platform's page
through the link staff made, and the portal signed in as a client."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, install_client_billing, owner_of
from billing_saas.testing.stripe import connect_stripe
from client_portal.tests.conftest import make_client, signed_in  # noqa: F401
from connectors import inbox
from connectors.registry import platform_for
from connectors.tests.stripe_subscriptions import pay_page
from subscriptions.models import Plan, Subscription

LINK = re.compile(r'value="(http[^"]+/c/subscribe/[^"]+)"')


@pytest.fixture
def alpha_stripe(stripe_platform, alpha):
    install_client_billing(alpha)
    stripe_platform.sender.paused = True
    return connect_stripe(stripe_platform, alpha, business_name="Alpha Studio")


@pytest.fixture
def staff(alpha):
    install_client_billing(alpha)
    return client_on(alpha, owner_of(alpha))


def a_plan(tenant, name="Basic", price="19.99", group="studio", **extra) -> Plan:
    with schema_context(tenant.schema_name):
        return Plan.objects.create(
            name=name, price=Decimal(price), currency=extra.pop("currency", "EUR"), group=group,
            **extra,
        )  # fmt: skip


def subscribe(staff, plan, client) -> str:
    """Staff make the link; the client pays on the platform's page. Returns the link."""
    page = staff.post(f"/billing/plans/{plan.pk}/link/", {"client": client.pk})
    assert page.status_code == 200
    url = LINK.search(page.content.decode())[1]
    assert pay_page(url).status_code == 302
    return url


def platform_events(connection) -> list:
    """The account's events on the platform so far, oldest first (as webhooks would carry)."""
    since = timezone.now() - timedelta(hours=1)
    return platform_for(connection).recent_events(since)


def deliver(connection, payloads) -> None:
    """Through the inbox, as the webhook view and its worker would: stored once, applied."""
    for payload in payloads:
        pk = inbox.store(connection.pk, payload, "webhook")
        if pk is not None:
            inbox.process(pk)


def sync(connection) -> None:
    deliver(connection, platform_events(connection))


def only_subscription(tenant) -> Subscription:
    with schema_context(tenant.schema_name):
        (subscription,) = Subscription.objects.select_related("plan")
        return subscription
