"""Issue 16's journey in Chromium: an employee with Client Billing builds a quote (a client
picked, a product found in the catalog, another made on the spot with "+", a quantity changed,
the total asked for), saves and sends it; the client opens the emailed link, approves, lands on
the invoice's pay page and pays with 4242 on the Stripe emulator; the dashboard, never
reloaded, shows that invoice Paid. Screenshots of the builder, the client's quote page and the
pay page, at 1280 and 390 px, land in ``test-artifacts/quote-journey/``."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import committed_account, make_member
from billing_saas.testing.polling import wait_until
from billing_saas.testing.stripe import connect_stripe
from emulators.stripe.server import app_settings as stripe_settings
from notifications.models import OutboxMessage
from tests.e2e.helpers import pay_with_card
from tests.e2e.test_client_billing_flow import PAID_WAIT
from tests.e2e.test_signup_and_team import sign_in

SHOTS = "test-artifacts/quote-journey"
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
EMAIL_WAIT = 30  # seconds: the quote committed → the session's worker writes its email
CARL = "carl@client.test"


@pytest.fixture(scope="module")
def account(accounts, stripe_emulator, django_db_blocker):
    """Committed (the server sees it): connected to Stripe, an employee given Client Billing,
    a client, and a catalog with more than the product the employee looks for."""
    from clients.models import Client
    from payment_requests.models import BillingAccess, TaxRate
    from products.models import Product

    tenant = committed_account(django_db_blocker, "qjourney", "Quote Journey", "Quinn Owner")
    with django_db_blocker.unblock(), override_settings(**stripe_settings(stripe_emulator.url)):
        connect_stripe(stripe_emulator, tenant, business_name="Quote Journey")
        emma = make_member(tenant, f"emma@{tenant.slug}.example", full_name="Emma Employee")
        with schema_context(tenant.schema_name):
            BillingAccess.objects.create(user=emma)
            Client.objects.create(name="Carl Client", email=CARL, company="Carl Co")
            gst = TaxRate.objects.create(name="GST", rate=Decimal("5"))
            workshop = Product.objects.create(
                name="Brand identity workshop",
                unit_price=Decimal("1250.50"),
                currency="EUR",
                unit="day",
            )
            workshop.tax_rates.set([gst])
            for name, price in (("Website audit", "400"), ("Copywriting", "95")):
                Product.objects.create(name=name, unit_price=Decimal(price), currency="EUR")
        connection.set_schema_to_public()
    tenant.employee_email = emma.email
    return tenant


def add_from_catalog(page, typed: str, name: str, shot: str = "") -> None:
    """Search the catalog as one types and pick ``name``: the builder adds it as a line."""
    page.get_by_label("Find in your catalog").fill(typed)
    found = page.get_by_role("listbox", name="Matching products and services").get_by_role("option")
    expect(found).to_have_count(1)  # what matches, never the whole catalog
    if shot:
        page.screenshot(path=shot)
    found.get_by_role("button", name=re.compile(re.escape(name))).click()
    expect(page.get_by_label("Find in your catalog")).to_be_visible()  # the builder, redrawn


def shots(page, name: str) -> None:
    """The page at 1280 px, then at 390 px, then back: the same state at both widths."""
    for viewport in (WIDE, NARROW):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(300)  # at 390 px the menu slides out of sight (.2 s)
        page.screenshot(path=f"{SHOTS}/{name}-{viewport['width']}.png", full_page=True)
    page.set_viewport_size(WIDE)


def quote_email(tenant) -> OutboxMessage | None:
    with schema_context(tenant.schema_name):
        return OutboxMessage.objects.filter(to__contains=[CARL]).order_by("created_at").first()


def test_a_quote_built_sent_approved_and_paid_shows_paid_on_the_dashboard(
    browser, live_app, account
):
    context = browser.new_context(viewport=WIDE)
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, live_app, account.host, account.employee_email)

    page.goto(live_app.account_url(account, "/billing/quotes/new/"))
    page.get_by_label("Client", exact=True).fill("carl")
    page.get_by_role("option").get_by_role("button", name=re.compile("Carl Client")).click()
    page.get_by_label("Title").fill("Rebrand")

    # A product found in the catalog by part of its name.
    add_from_catalog(page, "identity", "Brand identity workshop", f"{SHOTS}/catalog-search.png")
    lines = page.locator("[data-line]")
    expect(lines).to_have_count(1)
    expect(lines.first.get_by_label("Item")).to_have_value("Brand identity workshop")

    # "+": a product the catalog lacks, saved to it and added as a line.
    page.get_by_text("New product or service").click()
    page.locator("[name=product-name]").fill("Logo files")
    page.locator("[name=product-unit_price]").fill("80")
    page.get_by_role("button", name="Save and add").click()
    expect(lines).to_have_count(2)
    expect(lines.nth(1).get_by_label("Item")).to_have_value("Logo files")

    # Two days of workshop: 2 × 1,250.50 + 5 % GST on it + 80 = 2,706.05.
    lines.first.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Total", exact=True).click()
    totals = page.locator(".doc-totals")
    expect(totals).to_contain_text("€2,581.00")
    expect(totals).to_contain_text("€125.05")
    expect(totals).to_contain_text("€2,706.05")
    shots(page, "builder")

    page.get_by_role("button", name="Save and send").click()
    expect(page.get_by_text(re.compile(rf"Quote Q-\d{{5}} sent to {CARL}"))).to_be_visible()

    # The client opens the link their email carries (the worker wrote it to the outbox).
    mail = wait_until(lambda: quote_email(account), bool, timeout=EMAIL_WAIT)
    assert "€2,706.05" in mail.subject
    link = re.search(r"http://\S+/quote/\S+/", mail.body_text).group(0)
    client = browser.new_context(viewport=WIDE).new_page()
    client.goto(link)
    expect(client.locator(".doc-totals")).to_contain_text("€2,706.05")
    shots(client, "client-quote")

    client.get_by_role("button", name="Approve").click()
    expect(client).to_have_url(re.compile(r"/pay/[^/]+/$"))
    expect(client.get_by_text("2,706.05").first).to_be_visible()
    shots(client, "pay-page")

    pay_with_card(client)
    expect(client.get_by_text("Thank you!")).to_be_visible()
    client.context.close()

    # The employee's dashboard: the quote's invoice turns Paid once the webhook is applied.
    page.goto(live_app.account_url(account, "/billing/"))
    row = page.locator("tr[data-request]", has_text="Carl Client").first
    expect(row).to_contain_text("2,706.05")
    expect(row).to_contain_text("Paid", timeout=PAID_WAIT)
    page.screenshot(path=f"{SHOTS}/dashboard-paid.png", full_page=True)
    context.close()
