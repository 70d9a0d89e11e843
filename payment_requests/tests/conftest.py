from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from billing_saas.testing.stripe import connect_stripe
from payment_requests import services
from payment_requests.models import Client


@pytest.fixture
def alpha_billing(stripe_platform, alpha):
    """Alpha connected to emulated Stripe (webhooks paused: tests deliver them)."""
    stripe_platform.sender.paused = True
    connection = connect_stripe(stripe_platform, alpha, business_name="Alpha Studio")
    return connection


@pytest.fixture
def owner_client(alpha):
    return client_on(alpha, owner_of(alpha))


def make_client(tenant, email="ana@client.test", name="Ana Client", company="Client Co"):
    with schema_context(tenant.schema_name):
        return Client.objects.create(name=name, email=email, company=company)


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


def install_client_billing(tenant):
    """Client Billing as installed from the catalog (the wizard itself is tested there)."""
    from tenants.catalog.models import Installation

    with schema_context(tenant.schema_name):
        Installation.objects.update_or_create(
            solution="client-billing", defaults={"status": Installation.Status.INSTALLED}
        )


@pytest.fixture(autouse=True)
def _client_billing_installed(alpha, beta):
    install_client_billing(alpha)
    install_client_billing(beta)
