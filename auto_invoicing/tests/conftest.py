"""Shared helpers of the automated invoicing tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from auto_invoicing.models import AutoInvoicing
from billing_saas.testing.fixtures import install_client_billing
from billing_saas.testing.stripe import connect_stripe
from charges.services import add_charge
from clients.models import Client


@pytest.fixture
def alpha_stripe(stripe_platform, alpha):
    """Alpha with Client Billing, connected to emulated Stripe (webhooks paused)."""
    install_client_billing(alpha)
    stripe_platform.sender.paused = True
    return connect_stripe(stripe_platform, alpha, business_name="Alpha Studio")


def a_client(name: str, **extra) -> Client:
    slug = name.lower().replace(" ", ".")
    return Client.objects.create(name=name, email=f"{slug}@clients.example", **extra)


def a_charge(client: Client, amount: str, due: date, description: str = "Haircut", **extra):
    charge, _created = add_charge(
        client=client,
        description=description,
        unit_price=Decimal(amount),
        currency=extra.pop("currency", "EUR"),
        due_date=due,
        **extra,
    )
    return charge


def auto_invoicing(tenant, **fields) -> AutoInvoicing:
    with schema_context(tenant.schema_name):
        settings = AutoInvoicing.current()
        for name, value in fields.items():
            setattr(settings, name, value)
        settings.save()
        return settings
