"""Shared helpers of the charges tests: clients, charges in each state, signed-in pages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from charges.models import Charge
from charges.services import add_charge
from clients.models import Client
from clients.tests.conftest import (  # noqa: F401 - fixtures the tests use
    _client_billing_installed,
    owner_client,
)
from payment_requests.services import create_request


def a_client(tenant, name: str = "Ana Martin", **extra) -> Client:
    slug = name.lower().replace(" ", ".")
    with schema_context(tenant.schema_name):
        return Client.objects.create(name=name, email=f"{slug}@clients.example", **extra)


def a_charge(tenant, client, amount="35.00", due: date | None = None, description="Haircut",
             **extra) -> Charge:  # fmt: skip
    with schema_context(tenant.schema_name):
        charge, _created = add_charge(
            client=client,
            description=description,
            unit_price=Decimal(amount),
            currency=extra.pop("currency", "EUR"),
            due_date=due or timezone.localdate(),
            **extra,
        )
        return charge


def billed(tenant, charge: Charge, paid: bool = False) -> Charge:
    """The charge as a run leaves it: in a document (a draft here), billed or paid."""
    with schema_context(tenant.schema_name):
        document = create_request(
            actor=owner_of(tenant),
            description=charge.description,
            client=charge.client,
            amount=charge.amount,
            currency=charge.currency,
            due_date=charge.due_date + timedelta(days=14),
        )
        state = Charge.State.PAID if paid else Charge.State.BILLED
        Charge.objects.filter(pk=charge.pk).update(
            state=state, request=document, billed_at=timezone.now()
        )
        charge.refresh_from_db()
        return charge


def charges_of(tenant) -> list[Charge]:
    with schema_context(tenant.schema_name):
        return list(Charge.objects.order_by("pk"))
