from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, install_client_billing, owner_of
from clients.models import Client


@pytest.fixture(autouse=True)
def _client_billing_installed(alpha, beta):
    # The client pages are Client Billing's (its menu, its access rule) for now.
    install_client_billing(alpha)
    install_client_billing(beta)


@pytest.fixture
def owner_client(alpha):
    return client_on(alpha, owner_of(alpha))


def make_client(tenant, email="ana@client.test", name="Ana Client", company="Client Co"):
    with schema_context(tenant.schema_name):
        return Client.objects.create(name=name, email=email, company=company)
