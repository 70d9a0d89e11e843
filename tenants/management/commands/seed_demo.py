"""Create the demo provider account (demo.<BASE_DOMAIN>) with an owner and an employee, once."""

import os

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from clients.models import Client
from emulators.quickbooks.seeding import (
    connect_to_emulator as connect_to_quickbooks_emulator,
)
from emulators.stripe.seeding import connect_to_emulator
from payment_requests.models import BillingAccess
from tenants.demo import (
    DEMO_CLIENTS,
    DEMO_COMPANY,
    DEMO_EMPLOYEE,
    DEMO_OWNER,
    DEMO_PASSWORD,
    DEMO_SUBDOMAIN,
)
from tenants.members.models import Role, User
from tenants.models import Tenant
from tenants.services import NewAccount, create_account, ensure_public_tenant


def install_client_billing(owner, connection) -> None:
    """The demo has Client Billing installed from the catalog, as its owner would."""
    from solutions import services

    installation = services.start("client-billing", user=owner, connection=connection)
    if installation.status != installation.Status.INSTALLED:
        services.run(installation.pk)
    elif installation.connection_id != connection.pk:  # reconnected after an emulator restart
        installation.connection = connection
        installation.save(update_fields=["connection"])


def seed_bookings(tenant, owner) -> None:
    """Two priced services and a client's two appointments, once: their charges are what
    automated invoicing (Settings → Payments → Auto-send invoices, or Run now) bills."""
    from datetime import datetime, time, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from bookings.models import Booking
    from bookings.services import book
    from products.models import Product

    if Booking.objects.exists():
        return
    haircut, _ = Product.objects.get_or_create(
        name="Haircut", currency="EUR", defaults={"unit_price": Decimal("35.00"), "unit": "session"}
    )
    colour, _ = Product.objects.get_or_create(
        name="Colour", currency="EUR", defaults={"unit_price": Decimal("80.00"), "unit": "session"}
    )
    camille = Client.objects.get(email=DEMO_CLIENTS[0][2])
    today = timezone.localdate(timezone.now(), tenant.tzinfo)
    for days_ago, service in ((2, haircut), (1, colour)):
        starts_at = datetime.combine(today - timedelta(days=days_ago), time(10), tenant.tzinfo)
        book(client=camille, service=service, starts_at=starts_at, actor=owner)


class Command(BaseCommand):
    help = "Create the demo account and its users if they do not exist (safe to run again)."

    def handle(self, *args, **options):
        ensure_public_tenant()
        tenant = Tenant.objects.filter(slug=DEMO_SUBDOMAIN).first()
        if tenant is None:
            tenant, _owner = create_account(
                NewAccount(
                    DEMO_COMPANY, DEMO_SUBDOMAIN, DEMO_OWNER[0], DEMO_OWNER[1], DEMO_PASSWORD
                ),
                allow_reserved=True,
            )
            self.stdout.write(self.style.SUCCESS(f"Created demo account {tenant.host}"))
        with schema_context(tenant.schema_name):
            if not User.objects.filter(email=DEMO_EMPLOYEE[1]).exists():
                User.objects.create_user(
                    DEMO_EMPLOYEE[1], DEMO_PASSWORD, full_name=DEMO_EMPLOYEE[0], role=Role.EMPLOYEE
                )
            owner = User.objects.get(email=DEMO_OWNER[1])
            employee = User.objects.get(email=DEMO_EMPLOYEE[1])
            BillingAccess.objects.get_or_create(user=employee, defaults={"granted_by": owner})
            for name, company, email, currency, language in DEMO_CLIENTS:
                Client.objects.get_or_create(
                    email=email,
                    defaults={
                        "name": name,
                        "company": company,
                        "preferred_currency": currency,
                        "language": language,
                    },
                )
        if os.environ.get("DEMO_PLATFORM") == "quickbooks":
            connection = connect_to_quickbooks_emulator(tenant, owner)
        else:
            connection = connect_to_emulator(tenant, owner)
        if connection is not None:
            self.stdout.write(f"Demo account connected to the emulator ({connection})")
            with schema_context(tenant.schema_name):
                install_client_billing(owner, connection)
                seed_bookings(tenant, owner)
        self.stdout.write(f"Demo account ready at {tenant.host}")
