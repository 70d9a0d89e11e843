"""The catalog in Chromium: a product made from the form at 390 px, then the list, its search
ignoring accents, and the form fit at 1280 px and at 390 px. Screenshots land in
``test-artifacts/products/``."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import committed_account
from tests.e2e.helpers import fits_width
from tests.e2e.test_signup_and_team import sign_in

SHOTS = "test-artifacts/products"
VIEWPORTS = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]


@pytest.fixture(scope="module")
def account(accounts, django_db_blocker):
    from payment_requests.models import TaxRate
    from products.models import Product

    tenant = committed_account(django_db_blocker, "catalog", "Catalog Studio", "Cleo Owner")
    with django_db_blocker.unblock(), schema_context(tenant.schema_name):
        gst = TaxRate.objects.create(name="GST", rate=Decimal("5"))
        qst = TaxRate.objects.create(name="QST", rate=Decimal("9.975"))
        rows = [
            ("Café crème", "Double shot, steamed milk", "3.50", "item"),
            ("Brand identity workshop with the whole leadership team", "Two days on site, "
             "materials and a written summary of every decision taken", "12450.00", "project"),
            ("Consulting", "", "150.00", "hour"),
        ]  # fmt: skip
        for name, description, price, unit in rows:
            product = Product.objects.create(
                name=name, description=description, unit_price=Decimal(price), unit=unit
            )
            product.tax_rates.set([gst, qst])
    return tenant


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda viewport: str(viewport["width"]))
def test_the_catalog_fits_and_finds_without_accents(browser, live_app, account, viewport):
    width = viewport["width"]
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, live_app, account.host, account.owner_email)

    page.goto(live_app.account_url(account, "/billing/products/new/"))
    page.get_by_label("Name").fill(f"Été {width}")
    page.get_by_label("Unit price").fill("1250,50")
    page.get_by_label("Unit", exact=True).select_option("day")
    page.get_by_role("checkbox", name="GST (5%)").check()
    fits_width(page, "the form", width)
    page.screenshot(path=f"{SHOTS}/form-{width}.png", full_page=True)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Été {width} saved.")).to_be_visible()

    row = page.locator("tr", has_text=f"Été {width}")
    expect(row).to_contain_text("€1,250.50")
    expect(row).to_contain_text("/ day")
    fits_width(page, "the list", width)
    page.screenshot(path=f"{SHOTS}/list-{width}.png", full_page=True)

    page.get_by_role("searchbox", name="Search products and services").fill("cafe")
    page.keyboard.press("Enter")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("Café crème")
    context.close()
