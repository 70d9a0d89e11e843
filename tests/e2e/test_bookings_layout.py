"""Bookings in Chromium: a booking made from the form (client picked by typing, a service of
the catalog, a day and time), then the list with its charges and the cancel confirmation, at
1280 px and at 390 px. Screenshots land in ``test-artifacts/bookings/``."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import committed_account, owner_of
from tests.e2e.helpers import fits_width
from tests.e2e.test_signup_and_team import sign_in

SHOTS = "test-artifacts/bookings"
VIEWPORTS = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]


@pytest.fixture(scope="module")
def account(accounts, django_db_blocker):
    from bookings.services import book
    from charges.models import Charge
    from clients.models import Client
    from payment_requests.services import create_request
    from products.models import Product

    tenant = committed_account(django_db_blocker, "salon", "Salon Studio", "Sara Owner")
    with django_db_blocker.unblock(), schema_context(tenant.schema_name):
        owner = owner_of(tenant)
        carl = Client.objects.create(
            name="Carl Client", email="carl@client.example", company="Carl & Daughters Hair Co"
        )
        ana = Client.objects.create(name="Ana Martin", email="ana@client.example")
        cut = Product.objects.create(name="Haircut", unit_price=Decimal("35"), unit="session")
        colour = Product.objects.create(
            name="Colour and highlights, long hair", unit_price=Decimal("1240.50"), unit="session"
        )
        Product.objects.create(name="Consultation", unit_price=Decimal("0"))
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        for days, client, service in ((1, ana, cut), (2, carl, colour), (3, ana, colour)):
            book(client=client, service=service, starts_at=now + timedelta(days=days), actor=owner)
        on_invoice = book(client=carl, service=cut, starts_at=now + timedelta(days=4), actor=owner)
        document = create_request(
            actor=owner,
            description="Salon services",
            client=carl,
            amount=Decimal("35"),
            currency="EUR",
            due_date=timezone.localdate() + timedelta(days=14),
        )
        Charge.objects.filter(pk=on_invoice.charge_id).update(
            state=Charge.State.BILLED, request=document, billed_at=timezone.now()
        )
    return tenant


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda viewport: str(viewport["width"]))
def test_a_booking_is_made_and_listed_with_its_charge(browser, live_app, account, viewport):
    width = viewport["width"]
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, live_app, account.host, account.owner_email)

    page.goto(live_app.account_url(account, "/billing/bookings/new/"))
    page.get_by_label("Client", exact=True).fill("carl")
    page.get_by_role("option").get_by_role("button", name=re.compile("Carl Client")).click()
    page.get_by_label("Service").select_option(label="Haircut — €35.00 / session")
    day = timezone.localdate() + timedelta(days=5 if width > 400 else 6)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Time").fill("10:30")
    fits_width(page, "the form", width)
    page.screenshot(path=f"{SHOTS}/form-{width}.png", full_page=True)
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("A charge of €35.00 was created")).to_be_visible()

    row = page.locator("tbody tr").filter(has_text="10:30")
    expect(row).to_contain_text("Carl Client")
    expect(row).to_contain_text("Unbilled")
    expect(page.locator("tbody")).to_contain_text("Billed")
    fits_width(page, "the list", width)
    page.screenshot(path=f"{SHOTS}/list-{width}.png", full_page=True)

    billed_row = page.locator("tbody tr").filter(has=page.get_by_role("link", name="Billed"))
    billed_row.get_by_text("Cancel", exact=True).click()
    expect(billed_row.get_by_role("dialog")).to_contain_text("stays on that document")
    page.screenshot(path=f"{SHOTS}/cancel-billed-{width}.png", full_page=True)
    billed_row.get_by_text("Cancel", exact=True).click()  # closes it again

    row.get_by_text("Cancel", exact=True).click()
    expect(row.get_by_role("dialog")).to_contain_text("is canceled with it")
    row.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_text("Booking canceled, and its unbilled charge")).to_be_visible()
    context.close()
