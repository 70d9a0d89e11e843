"""Cancelling a payment link: Stripe expires its Checkout session; QuickBooks has none."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.quickbooks import connect_quickbooks
from billing_saas.testing.stripe import connect_stripe
from connectors.base import PlatformError, RemoteStatus
from connectors.registry import platform_for
from connectors.tests.test_quickbooks import invoice_request


def test_an_expired_stripe_link_can_no_longer_be_paid(stripe_platform, alpha):
    connection = connect_stripe(stripe_platform, alpha)
    with schema_context(alpha.schema_name):
        stripe = platform_for(connection)
        link = stripe.create_payment_link(
            invoice_request(), "https://a.test/ok", "https://a.test/no"
        )

        expired = stripe.expire_payment_link(link.remote_id)
        again = stripe.expire_payment_link(link.remote_id)  # a retried cancel: no error

        assert expired.status == again.status == RemoteStatus.EXPIRED
        assert stripe.fetch_payment_link(link.remote_id).status == RemoteStatus.EXPIRED


def test_quickbooks_refuses_to_expire_a_link_it_cannot_have(quickbooks_platform, alpha):
    connection = connect_quickbooks(quickbooks_platform, alpha)
    with schema_context(alpha.schema_name), pytest.raises(PlatformError) as refused:
        platform_for(connection).expire_payment_link("anything")
    assert refused.value.code == "unsupported"
    assert "QuickBooks has no one-off payment links" in refused.value.message
