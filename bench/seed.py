"""The bench's data accounts, made with the product's own services, rows added in bulk.

Each account is created by ``create_account``, connected to the Stripe emulator through the
real OAuth exchange and has Client Billing installed from the catalog, like the demo account;
only its clients and payment requests are inserted with ``bulk_create``. An account that
already holds the right number of rows is reused as it is.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection as db
from django.test import Client as TestClient
from django.utils import timezone
from django_tenants.utils import schema_context

from clients.models import Client
from connectors.models import Connection
from emulators.stripe.seeding import connect_to_emulator
from payment_requests.models import PaymentRequest
from tenants.management.commands.seed_demo import install_client_billing
from tenants.members.models import User
from tenants.models import Tenant
from tenants.services import NewAccount, create_account, ensure_public_tenant

PASSWORD = "bench-pass-2024-long"
Status = PaymentRequest.Status
# A plausible mix: mostly open or paid, some overdue, a few drafts and cancellations.
STATUS_CYCLE = [Status.SENT] * 4 + [Status.PAID] * 3 + [Status.OVERDUE] * 1
STATUS_CYCLE += [Status.DRAFT, Status.CANCELED]
CURRENCIES = ("EUR", "EUR", "USD", "GBP")


def data_account(slug: str, rows: int) -> tuple[Tenant, Connection]:
    """The account ``slug`` with ``rows`` clients and ``rows`` payment requests."""
    ensure_public_tenant()
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        tenant, _owner = create_account(
            NewAccount(f"Bench {slug}", slug, "Bench Owner", f"owner@{slug}.example", PASSWORD)
        )
    owner = owner_of(tenant)
    connection = connect_to_emulator(tenant, owner)
    if connection is None:
        raise RuntimeError("the Stripe emulator did not answer")
    with schema_context(tenant.schema_name):
        install_client_billing(owner, connection)
        if Client.objects.count() != rows or PaymentRequest.objects.count() != rows:
            _replace_rows(rows, owner, connection)
    db.set_schema_to_public()
    return tenant, connection


def owner_of(tenant: Tenant) -> User:
    with schema_context(tenant.schema_name):
        return User.objects.get(email=tenant.owner_email)


def _replace_rows(rows: int, owner: User, connection: Connection) -> None:
    PaymentRequest.objects.all().delete()
    Client.objects.all().delete()
    clients = Client.objects.bulk_create(
        Client(
            name=f"Client {i:05d}",
            company=f"Company {i % 997:03d}",
            email=f"client{i:05d}@clients.example",
            preferred_currency=CURRENCIES[i % len(CURRENCIES)],
        )
        for i in range(rows)
    )
    PaymentRequest.objects.bulk_create(
        (_request(i, client, owner, connection) for i, client in enumerate(clients)),
        batch_size=2000,
    )


def _request(i: int, client: Client, owner: User, connection: Connection) -> PaymentRequest:
    now = timezone.now()
    status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
    amount = Decimal(50 + (i * 37) % 4950) + Decimal("0.50")
    days = -30 if status == Status.OVERDUE else 5 + i % 60
    sent = status != Status.DRAFT
    return PaymentRequest(
        description=f"Services, batch {i % 50}",
        client=client,
        amount=amount,
        currency=CURRENCIES[i % len(CURRENCIES)],
        due_date=timezone.localdate() + timedelta(days=days),
        status=status,
        number=f"INV-{i + 1:05d}" if sent else None,
        connection=connection if sent else None,
        amount_paid=amount if status == Status.PAID else Decimal(0),
        created_by=owner,
        sent_at=now if sent else None,
        paid_at=now if status == Status.PAID else None,
        canceled_at=now if status == Status.CANCELED else None,
    )


def session_cookie(tenant: Tenant) -> str:
    """A signed-in session of the account's owner (a billing admin), as its cookie header.

    Created directly rather than through the sign-in form, which throttles repeated sign-ins."""
    with schema_context(tenant.schema_name):
        browser = TestClient(HTTP_HOST=tenant.host)
        browser.force_login(owner_of(tenant))
        value = browser.cookies[settings.SESSION_COOKIE_NAME].value
    db.set_schema_to_public()
    return f"{settings.SESSION_COOKIE_NAME}={value}"
