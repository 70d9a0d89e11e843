"""What each platform's connector declares it does, and billing offering only that."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, install_client_billing, owner_of
from billing_saas.testing.quickbooks import connect_quickbooks
from billing_saas.testing.stripe import connect_stripe
from connectors.base import Capability
from connectors.quickbooks.platform import QuickBooksPlatform
from connectors.registry import capabilities_of
from connectors.stripe.platform import StripePlatform
from payment_requests.models import PaymentRequest

NEW = "/billing/requests/new/"


def test_each_platform_declares_what_our_connector_does_on_it():
    assert StripePlatform.capabilities == {
        Capability.PAYMENT_LINKS,
        Capability.REFUNDS,
        Capability.LINES_WITH_TAXES,
        Capability.AUTO_CHARGE,
        Capability.SAVED_METHODS,
        Capability.SUBSCRIPTIONS,
    }
    assert QuickBooksPlatform.capabilities == {Capability.LINES_WITH_TAXES, Capability.REFUNDS}


@pytest.fixture
def owner(alpha):
    install_client_billing(alpha)
    return client_on(alpha, owner_of(alpha))


def a_payment_link(owner):
    return owner.post(
        NEW,
        {
            "kind": "invoice",
            "description": "Bookkeeping",
            "new_client_name": "Bo Buyer",
            "new_client_email": "bo@buyer.test",
            "amount": "120.00",
            "currency": "USD",
            "due_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "billing_type": "payment_link",
            "action": "save",
        },
    )


def test_a_quickbooks_account_is_not_offered_payment_links(quickbooks_platform, alpha, owner):
    connection = connect_quickbooks(quickbooks_platform, alpha)
    assert Capability.PAYMENT_LINKS not in capabilities_of(connection)

    assert 'value="payment_link"' not in owner.get(NEW).content.decode()
    refused = a_payment_link(owner)

    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    with schema_context(alpha.schema_name):
        assert not PaymentRequest.objects.exists()


def test_a_stripe_account_is_offered_payment_links(stripe_platform, alpha, owner):
    connect_stripe(stripe_platform, alpha)

    assert 'value="payment_link"' in owner.get(NEW).content.decode()
    assert a_payment_link(owner).status_code == 302
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().billing_type == "payment_link"
