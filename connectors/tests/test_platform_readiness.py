"""Can the account take payments now? Each platform answers, in its own words; installing
Client Billing stops with them."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from billing_saas.testing.quickbooks import connect_quickbooks
from billing_saas.testing.stripe import connect_stripe
from connectors.base import PlatformError
from connectors.registry import platform_for
from solutions import services


@pytest.fixture(autouse=True)
def no_worker(monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda schema, pk: None)


def install(tenant, connection):
    """What the installation's worker does; its row, with the reason it failed if it did."""
    with schema_context(tenant.schema_name):
        row = services.start("client-billing", user=owner_of(tenant), connection=connection)
        return services.run(row.pk)


def test_an_activated_stripe_account_is_ready(stripe_platform, alpha):
    connection = connect_stripe(stripe_platform, alpha)
    with schema_context(alpha.schema_name):
        platform_for(connection).check_ready()
    assert install(alpha, connection).status == "installed"


def test_a_stripe_account_not_activated_is_refused_with_stripes_reason(stripe_platform, alpha):
    connection = connect_stripe(stripe_platform, alpha)
    stripe_platform.state.accounts[connection.remote_account_id].account["charges_enabled"] = False

    with schema_context(alpha.schema_name), pytest.raises(PlatformError) as refused:
        platform_for(connection).check_ready()
    assert "Stripe has not finished activating this account" in refused.value.message

    failed = install(alpha, connection)
    assert failed.status == "failed" and failed.failure == refused.value.message


def test_a_quickbooks_company_that_answers_is_ready(quickbooks_platform, alpha):
    connection = connect_quickbooks(quickbooks_platform, alpha)
    assert install(alpha, connection).status == "installed"


def test_an_unreachable_quickbooks_company_is_refused(quickbooks_platform, alpha, settings):
    connection = connect_quickbooks(quickbooks_platform, alpha)
    settings.QUICKBOOKS_API_BASE = "http://127.0.0.1:9/v3"  # nothing listens there

    failed = install(alpha, connection)

    assert failed.status == "failed"
    assert failed.failure == "QuickBooks could not be reached; try again in a moment."


def test_a_company_quickbooks_refuses_us_is_refused(quickbooks_platform, alpha):
    connection = connect_quickbooks(quickbooks_platform, alpha)
    del quickbooks_platform.state.companies[connection.remote_account_id]  # gone from Intuit

    failed = install(alpha, connection)

    assert failed.status == "failed"
    assert failed.failure == "QuickBooks refused our access; reconnect QuickBooks."
