"""Issue 17's journey in Chromium: the owner switches Auto-send invoices on in Draft mode,
books two appointments of priced services for a client, runs the cycle (Run now, done by the
worker), finds the consolidated draft with the dashboard's Draft filter, edits it, confirms
it; the client opens the emailed link and pays with 4242 on the Stripe emulator, and the
dashboard shows it Paid, its charges paid. Screenshots land in
``test-artifacts/auto-invoicing-journey/``."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import committed_account
from billing_saas.testing.polling import wait_until
from billing_saas.testing.stripe import connect_stripe
from emulators.stripe.server import app_settings as stripe_settings
from notifications.models import OutboxMessage
from tests.e2e.helpers import pay_with_card
from tests.e2e.test_client_billing_flow import PAID_WAIT
from tests.e2e.test_signup_and_team import sign_in

SHOTS = "test-artifacts/auto-invoicing-journey"
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
ANN = "ann@client.test"


@pytest.fixture(scope="module")
def account(accounts, stripe_emulator, django_db_blocker):
    """Committed (the server sees it): connected to Stripe, a client, two priced services."""
    from clients.models import Client
    from products.models import Product

    tenant = committed_account(django_db_blocker, "autojourney", "Salon Journey", "Sam Owner")
    with django_db_blocker.unblock(), override_settings(**stripe_settings(stripe_emulator.url)):
        connect_stripe(stripe_emulator, tenant, business_name="Salon Journey")
        with schema_context(tenant.schema_name):
            Client.objects.create(name="Ann Lee", email=ANN)
            Product.objects.create(
                name="Haircut", unit_price=Decimal("35.00"), currency="EUR", unit="session"
            )
            Product.objects.create(
                name="Colour", unit_price=Decimal("80.00"), currency="EUR", unit="session"
            )
        connection.set_schema_to_public()
    return tenant


def shots(page, name: str) -> None:
    for viewport in (WIDE, NARROW):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(300)
        page.screenshot(path=f"{SHOTS}/{name}-{viewport['width']}.png", full_page=True)
    page.set_viewport_size(WIDE)


def book(page, live_app, account, service: str, time: str) -> None:
    page.goto(live_app.account_url(account, "/billing/bookings/new/"))
    page.get_by_label("Client", exact=True).fill("ann")
    page.get_by_role("option").get_by_role("button", name=re.compile("Ann Lee")).click()
    option = page.locator("select[name=service] option", has_text=service)
    page.get_by_label("Service").select_option(option.get_attribute("value"))
    today = timezone.localdate(timezone.now(), account.tzinfo)
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Time").fill(time)
    page.get_by_role("button", name="Book").click()
    expect(page.locator(".messages, [role=status]").first).to_contain_text("charge")


def ann_email(account):
    with schema_context(account.schema_name):
        return OutboxMessage.objects.filter(to__contains=[ANN]).order_by("created_at").first()


def test_bookings_billed_by_a_draft_run_edited_confirmed_and_paid(browser, live_app, account):
    context = browser.new_context(viewport=WIDE)
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, live_app, account.host, account.owner_email)

    # Settings → Payments → Auto-send invoices: on, in Draft mode.
    page.goto(live_app.account_url(account, "/settings/payments/"))
    page.get_by_role("link", name=re.compile("Auto-send invoices")).first.click()
    if not page.get_by_label("Auto-send invoices").is_checked():
        page.locator(".switch").click()
    page.get_by_text("Draft mode", exact=True).click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Auto-send invoices is on.")).to_be_visible()

    # Two appointments of priced services: each makes its charge.
    book(page, live_app, account, "Haircut", "09:30")
    book(page, live_app, account, "Colour", "11:00")
    shots(page, "bookings")

    # The cycle, now: the worker gathers Ann's two charges into one draft.
    page.goto(live_app.account_url(account, "/billing/runs/"))
    page.get_by_text("Run now", exact=True).click()
    page.get_by_role("button", name="Yes, run now").click()
    document = page.locator("tr[data-document]")
    expect(document).to_have_count(1, timeout=20000)
    expect(document).to_contain_text("Ann Lee")
    expect(document).to_contain_text("€115.00")
    shots(page, "run")

    # The Draft filter finds it on the dashboard.
    page.goto(live_app.account_url(account, "/billing/"))
    page.locator("select[name=status]").select_option("draft")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("tr[data-request]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ann Lee")
    expect(rows.first).to_contain_text("115.00")
    rows.first.get_by_role("link").first.click()
    panel = page.get_by_role("complementary", name="Payment request details")
    expect(panel).to_contain_text("Made by automated invoicing")

    # Edit: two haircuts, not one.
    panel.get_by_role("link", name="Edit", exact=True).click()
    lines = page.locator("[data-line]")
    expect(lines).to_have_count(2)
    haircut = lines.filter(has=page.locator("input[value=Haircut]"))
    haircut.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()

    # Confirm draft: sent, and the client told by email.
    panel = page.get_by_role("complementary", name="Payment request details")
    panel.get_by_text("Confirm draft", exact=True).click()
    shots(page, "confirm-draft")
    panel.get_by_role("button", name="Yes, send it").click()
    expect(page.get_by_text(re.compile(rf"INV-\d+ sent to {ANN}"))).to_be_visible()

    mail = wait_until(lambda: ann_email(account), bool, timeout=30)
    link = re.search(r"http://\S+/pay/\S+/", mail.body_text).group(0)
    client = browser.new_context(viewport=WIDE).new_page()
    client.goto(link)
    expect(client.get_by_text("150.00").first).to_be_visible()
    pay_with_card(client)
    expect(client.get_by_text("Thank you!")).to_be_visible()
    client.context.close()

    page.goto(live_app.account_url(account, "/billing/"))
    row = page.locator("tr[data-request]", has_text="Ann Lee").first
    expect(row).to_contain_text("Paid", timeout=PAID_WAIT)
    shots(page, "dashboard-paid")

    from charges.models import Charge

    def charge_states():
        with schema_context(account.schema_name):
            return sorted(Charge.objects.values_list("state", flat=True))

    assert wait_until(charge_states, lambda states: states == ["paid", "paid"], timeout=10)
    context.close()
