from __future__ import annotations

from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, install_client_billing, owner_of
from payment_requests.models import TaxRate
from products.models import Product


@pytest.fixture(autouse=True)
def _client_billing_installed(alpha, beta):
    # The catalog is Client Billing's (its menu, its access rule).
    install_client_billing(alpha)
    install_client_billing(beta)


@pytest.fixture
def owner_client(alpha):
    return client_on(alpha, owner_of(alpha))


def make_product(tenant, name="Website design", price="80.00", currency="EUR", **extra):
    rates = extra.pop("tax_rates", ())
    with schema_context(tenant.schema_name):
        product = Product.objects.create(
            name=name, unit_price=Decimal(price), currency=currency, **extra
        )
        product.tax_rates.set(rates)
        return product


def make_rate(tenant, name="GST", rate="5", active=True):
    with schema_context(tenant.schema_name):
        return TaxRate.objects.create(name=name, rate=Decimal(rate), active=active)
