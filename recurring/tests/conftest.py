"""Shared helpers of the recurring invoice tests: an account on emulated Stripe, a clock the
tests move (``timezone.now``), recurring invoices, and beat's tick."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing_saas.testing.fixtures import client_on, install_client_billing, owner_of
from billing_saas.testing.stripe import connect_stripe
from clients.models import Client
from payment_requests.services.lines import LineDraft
from recurring import engine, services
from recurring.models import Frequency, RecurringInvoice
from tenants.models import Tenant


@pytest.fixture
def alpha_stripe(stripe_platform, alpha):
    """Alpha with Client Billing, connected to emulated Stripe (webhooks paused)."""
    install_client_billing(alpha)
    stripe_platform.sender.paused = True
    return connect_stripe(stripe_platform, alpha, business_name="Alpha Studio")


@pytest.fixture
def owner_client(alpha):
    install_client_billing(alpha)
    return client_on(alpha, owner_of(alpha))


@pytest.fixture
def clock(monkeypatch):
    """The time the app reads (``timezone.now``), moved by the test."""
    moment = {"now": timezone.now()}

    class Clock:
        def set(self, at: datetime) -> None:
            moment["now"] = at.astimezone(UTC)

        @property
        def now(self) -> datetime:
            return moment["now"]

    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return Clock()


def in_time_zone(tenant, name: str) -> None:
    Tenant.objects.filter(pk=tenant.pk).update(time_zone=name)  # rolled back after the test
    tenant.refresh_from_db()


def a_client(name: str = "Ann Lee") -> Client:
    slug = name.lower().replace(" ", ".")
    return Client.objects.create(name=name, email=f"{slug}@clients.example")


def a_recurring(tenant, client, start: date, *, amount="120.00", lines=None, **fields):
    """An active recurring invoice (in ``tenant``'s schema, already set)."""
    lines = lines or [LineDraft("Maintenance", Decimal(1), Decimal(amount))]
    fields = {"frequency": Frequency.MONTHLY, "hour": 9, "currency": "EUR", **fields}
    return services.create_recurring(
        actor=owner_of(tenant),
        lines=lines,
        client=client,
        description=fields.pop("description", "Monthly maintenance"),
        start_on=start,
        **fields,
    )


def beat(clock, start: datetime, end: datetime, every: timedelta, captured) -> list[dict]:
    """Beat's tick every ``every`` from ``start`` to ``end`` (its emails sent at commit)."""
    reports, at = [], start.astimezone(UTC)
    while at < end:
        clock.set(at)
        with captured(execute=True):
            reports.append(engine.tick(at))
        at += every
    return reports


def reload(recurring: RecurringInvoice) -> RecurringInvoice:
    return RecurringInvoice.objects.get(pk=recurring.pk)
