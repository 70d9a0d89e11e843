"""Refunds made on Stripe (the emulator's API or its dashboard control) reach our payments."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests
from django_tenants.utils import schema_context

from billing_saas.testing.stripe import connect_stripe
from connectors.base import EventKind
from connectors.models import RemotePayment
from connectors.registry import platform_for
from connectors.tests.test_stripe_webhooks import (
    events_of,
    paid_invoice_events,
    post_event,
    process_all,
)


@pytest.fixture
def alpha_connection(stripe_platform, alpha):
    stripe_platform.sender.paused = True  # the test delivers events itself
    return connect_stripe(stripe_platform, alpha)


def deliver(root_client, tenant, events):
    for event in events:
        assert post_event(root_client, event).status_code == 200
    process_all(tenant)


def refunded(tenant) -> Decimal:
    with schema_context(tenant.schema_name):
        return RemotePayment.objects.get().amount_refunded


def test_a_partial_then_a_full_refund_reach_the_payment(
    stripe_platform, alpha_connection, alpha, root_client
):
    _remote, paid = paid_invoice_events(stripe_platform, alpha_connection, alpha)  # 250.00
    deliver(root_client, alpha, paid)
    account = alpha_connection.remote_account_id
    with schema_context(alpha.schema_name):
        platform = platform_for(alpha_connection)
        intent_id = RemotePayment.objects.get().remote_payment_id

        start = len(stripe_platform.state.accounts[account].events)
        platform.api.refunds.create(  # the API: a partial refund
            {"payment_intent": intent_id, "amount": 5000}, platform._options("refund:1")
        )
        partial = events_of(stripe_platform, account, start)
        assert [e["type"] for e in partial] == ["charge.refunded", "refund.created"]
        event = platform.normalise(partial[0])
        assert event.kind == EventKind.REFUNDED and event.refund.remote_payment_id == intent_id
        assert platform.normalise(partial[1]) is None  # its amount is not a running total
    deliver(root_client, alpha, partial)
    assert refunded(alpha) == Decimal("50.00")

    start = len(stripe_platform.state.accounts[account].events)
    answer = requests.post(  # the dashboard: refund what is left
        f"{stripe_platform.url}/_emulator/refund",
        json={"account": account, "payment_intent": intent_id},
        timeout=5,
    )
    assert answer.status_code == 200 and answer.json()["amount"] == 20000
    full = events_of(stripe_platform, account, start)
    charge = full[0]["data"]["object"]
    assert (charge["amount_refunded"], charge["refunded"]) == (25000, True)
    assert [r["amount"] for r in charge["refunds"]["data"]] == [20000, 5000]
    deliver(root_client, alpha, full)
    assert refunded(alpha) == Decimal("250.00")

    again = requests.post(
        f"{stripe_platform.url}/_emulator/refund",
        json={"account": account, "payment_intent": intent_id},
        timeout=5,
    )
    assert again.status_code == 400 and again.json()["error"]["code"] == "charge_already_refunded"
