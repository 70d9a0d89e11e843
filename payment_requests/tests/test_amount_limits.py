"""Amounts larger than the account's platform accepts are refused in the form, not at send."""

from __future__ import annotations

from django_tenants.utils import schema_context

from billing_saas.testing.quickbooks import connect_quickbooks
from payment_requests.models import PaymentRequest
from payment_requests.tests.conftest import make_client
from payment_requests.tests.test_uploads_access_queries import form


def post_amount(owner_client, tenant, amount, currency="EUR"):
    client = make_client(tenant)
    return owner_client.post(
        "/billing/requests/new/", form(client.pk, amount=amount, currency=currency)
    )


def drafts(tenant) -> int:
    with schema_context(tenant.schema_name):
        return PaymentRequest.objects.count()


def test_more_than_stripe_takes_is_refused_with_its_limit_in_the_currency(
    alpha_billing, alpha, owner_client
):
    page = post_amount(owner_client, alpha, "1000000.00")

    assert page.status_code == 200
    assert "Stripe accepts at most €999,999.99 per payment." in page.content.decode()
    assert drafts(alpha) == 0


def test_stripes_largest_amount_is_accepted(alpha_billing, alpha, owner_client):
    assert post_amount(owner_client, alpha, "999999.99").status_code == 302
    assert drafts(alpha) == 1


def test_a_zero_decimal_currency_has_its_own_limit(alpha_billing, alpha, owner_client):
    refused = post_amount(owner_client, alpha, "100000000", currency="JPY")
    accepted = post_amount(owner_client, alpha, "99999999", currency="JPY")

    assert "Stripe accepts at most ¥99,999,999 per payment." in refused.content.decode()
    assert accepted.status_code == 302


def test_quickbooks_accounts_get_quickbooks_limit(quickbooks_platform, alpha, owner_client):
    connect_quickbooks(quickbooks_platform, alpha)

    accepted = post_amount(owner_client, alpha, "1000000.00")
    refused = post_amount(owner_client, alpha, "100000000.00")

    assert accepted.status_code == 302
    assert (
        "QuickBooks Payments accepts at most €99,999,999.99 per payment."
        in refused.content.decode()
    )


def test_with_no_platform_connected_yet_the_strictest_limit_applies(alpha, owner_client):
    page = post_amount(owner_client, alpha, "1000000.00")

    assert "Stripe accepts at most €999,999.99 per payment." in page.content.decode()
    assert drafts(alpha) == 0
