"""Shared helpers of the bookings tests: alpha and beta with Client Billing, a client, a
service of the catalog, a booking, and a booking whose charge a document bills."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from bookings import services
from bookings.models import Booking
from charges.models import Charge
from charges.tests.conftest import a_client  # noqa: F401 - the tests import it from here
from clients.tests.conftest import (  # noqa: F401 - fixtures the tests use
    _client_billing_installed,
    owner_client,
)
from payment_requests.services import create_request
from products.models import Product
from products.tests.conftest import make_product
from tenants.models import Tenant


@pytest.fixture
def march_2026(monkeypatch):
    """The clock on March 1, 2026, noon UTC: tests that book fixed days stay within the
    days the form accepts whenever they run."""
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def in_zone(tenant, zone: str) -> None:
    """The account's time zone, in the database only: the shared account object of the test
    run stays as it was (services and pages read the row)."""
    Tenant.objects.filter(pk=tenant.pk).update(time_zone=zone)


def a_service(tenant, name="Haircut", price="35.00", **extra) -> Product:
    """A product of the catalog that is booked: a service at a hairdresser's price."""
    return make_product(tenant, name, price, **extra)


def local(tenant, *fields) -> datetime:
    """A time on the account's clock: ``local(alpha, 2026, 3, 10, 9, 30)``."""
    zone = ZoneInfo(Tenant.objects.get(pk=tenant.pk).time_zone)
    return datetime(*fields, tzinfo=zone)


def a_booking(tenant, client=None, service=None, starts_at=None) -> Booking:
    client = client or a_client(tenant)
    service = service or a_service(tenant)
    starts_at = starts_at or timezone.now() + timedelta(days=2)
    with schema_context(tenant.schema_name):
        return services.book(
            client=client, service=service, starts_at=starts_at, actor=owner_of(tenant)
        )


def billed(tenant, booking: Booking) -> Charge:
    """The booking's charge put on a draft document, as an automated run does."""
    with schema_context(tenant.schema_name):
        charge = booking.charge
        document = create_request(
            actor=owner_of(tenant),
            description="Alpha services, March",
            client=booking.client,
            amount=charge.amount,
            currency=charge.currency,
            due_date=timezone.localdate() + timedelta(days=14),
        )
        Charge.objects.filter(pk=charge.pk).update(
            state=Charge.State.BILLED, request=document, billed_at=timezone.now()
        )
        charge.refresh_from_db()
        return charge
