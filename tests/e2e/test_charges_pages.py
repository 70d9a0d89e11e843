"""Issue 17 in Chromium: billing's list of charges, adding a charge from the catalog (the
search fills the form in), and the client's Payments tab, at 1280 and at 390 px."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import committed_account
from tests.e2e.test_signup_and_team import sign_in

SHOTS = "test-artifacts/charges"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def account(accounts, django_db_blocker):
    """A salon with a product and charges of two clients, and a third client with none (each
    test adds a charge for its own), committed for the live server."""
    from charges.services import add_charge
    from clients.models import Client
    from products.models import Product

    tenant = committed_account(django_db_blocker, "charges", "Salon Lumière", "Lou Owner")
    with django_db_blocker.unblock(), schema_context(tenant.schema_name):
        Product.objects.create(name="Balayage colour", unit_price=Decimal("85.00"))
        carl = Client.objects.create(
            name="Carl Lindqvist", email="carl@client.test", company="Lindqvist & Daughters"
        )
        dee = Client.objects.create(name="Dee Okafor", email="dee@client.test")
        Client.objects.create(name="Eve Adams", email="eve@client.test")
        today = timezone.localdate()
        for client, description, price, currency, days, source in [
            (carl, "Haircut and blow-dry, long hair", "48.00", "EUR", -3, "booking"),
            (carl, "10-session massage package", "420.00", "EUR", 0, "package"),
            (dee, "Argan oil shampoo", "1800", "JPY", 2, "product_sale"),
            (dee, "Beard trim", "15.50", "EUR", 6, "manual"),
        ]:
            add_charge(client=client, description=description, unit_price=Decimal(price),
                       currency=currency, due_date=today + timedelta(days=days),
                       source=source)  # fmt: skip
    return tenant


def signed_in(browser, live_app, tenant, viewport):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, live_app, tenant.host, tenant.owner_email)
    expect(page.get_by_role("heading", name="Hello, Lou Owner")).to_be_visible()
    return context, page


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(
    "viewport, name", [(DESKTOP, "Dee Okafor"), (PHONE, "Eve Adams")], ids=["1280", "390"]
)
def test_a_charge_from_the_catalog_lands_in_the_list_and_the_payments_tab(
    browser, live_app, account, viewport, name
):
    width = viewport["width"]
    context, page = signed_in(browser, live_app, account, viewport)
    try:
        page.goto(live_app.account_url(account, "/billing/charges/"))
        expect(page.get_by_role("heading", name="Charges", level=1)).to_be_visible()
        expect(page.locator("tr", has_text="Haircut and blow-dry")).to_contain_text("overdue")
        fits(page, width)
        page.screenshot(path=f"{SHOTS}-{width}-list.png", full_page=True)

        page.get_by_role("link", name="Add a charge").click()
        expect(page.get_by_role("heading", name="Add a charge", level=1)).to_be_visible()
        page.wait_for_load_state()  # the pickers' scripts are listening
        page.get_by_label("Client", exact=True).fill(name.split()[1][:4].lower())
        page.get_by_role("option").get_by_role("button", name=re.compile(name)).click()
        page.get_by_role("combobox", name=re.compile("From your catalog")).fill("balay")
        page.get_by_role("option").get_by_role("button", name=re.compile("Balayage")).click()
        expect(page.get_by_label("Description")).to_have_value("Balayage colour")
        expect(page.get_by_label("Unit price")).to_have_value("85.00")
        page.get_by_label("Quantity").fill("2")
        fits(page, width)
        page.screenshot(path=f"{SHOTS}-{width}-form.png", full_page=True)
        page.get_by_role("button", name="Add the charge").click()

        expect(page.get_by_role("link", name="Payments")).to_have_attribute("aria-current", "page")
        due = page.locator("section", has=page.get_by_role("heading", name="Due and unbilled"))
        expect(due).to_contain_text("Balayage colour")
        expect(page.locator('[data-total="EUR"]')).to_have_text("€170.00")
        expect(page.locator('[data-total="JPY"]')).to_have_count(0)  # due in two days
        fits(page, width)
        page.screenshot(path=f"{SHOTS}-{width}-payments.png", full_page=True)
    except Exception:
        page.screenshot(path=f"{SHOTS}-{width}-failed.png", full_page=True)
        raise
    finally:
        context.close()
