"""The quote builder, its details page and the client's page in Chromium, at 1280 px and at
390 px: a client picked, a product added from the catalog and another made on the spot, the
total, saved and sent; then the client's page. Nothing scrolls sideways. Screenshots land in
``test-artifacts/quotes/``."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import committed_account
from tests.e2e.helpers import fits_width
from tests.e2e.test_quote_journey import add_from_catalog
from tests.e2e.test_signup_and_team import sign_in

SHOTS = "test-artifacts/quotes"
VIEWPORTS = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]


@pytest.fixture(scope="module")
def account(accounts, django_db_blocker):
    from clients.models import Client
    from payment_requests.models import TaxRate
    from products.models import Product

    tenant = committed_account(django_db_blocker, "quotes", "Quote Studio", "Quinn Owner")
    with django_db_blocker.unblock(), schema_context(tenant.schema_name):
        Client.objects.create(name="Carl Client", email="carl@client.test", company="Carl Co")
        gst = TaxRate.objects.create(name="GST", rate=Decimal("5"))
        TaxRate.objects.create(name="QST", rate=Decimal("9.975"))
        product = Product.objects.create(
            name="Brand identity workshop with the whole leadership team",
            unit_price=Decimal("1250.50"),
            currency="EUR",
            unit="day",
        )
        product.tax_rates.set([gst])
    return tenant


def client_link(tenant) -> str:
    """A link to the newest quote, committed (the server sees it), as its email carries."""
    from billing_saas.testing.threads import in_thread
    from quotes.models import Quote
    from quotes.services.links import new_link

    def mint():
        with schema_context(tenant.schema_name):
            quote = Quote.objects.order_by("-pk").first()
            return f"/quote/{new_link(quote, quote.client.email)}/"

    return in_thread(mint)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda viewport: str(viewport["width"]))
def test_a_quote_is_built_sent_and_read_at_any_width(browser, live_app, account, viewport):
    width = viewport["width"]
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, live_app, account.host, account.owner_email)

    page.goto(live_app.account_url(account, "/billing/quotes/"))
    fits_width(page, "the empty list", width)
    page.get_by_role("link", name="New quote").click()
    expect(page).to_have_url(re.compile("/quotes/new/"))
    page.wait_for_load_state()  # the pickers' scripts (deferred) listen before one types
    page.get_by_label("Client", exact=True).fill("carl")
    page.get_by_role("option").get_by_role("button", name=re.compile("Carl Client")).click()
    page.get_by_label("Title").fill(f"Rebrand {width}")
    add_from_catalog(page, "brand", "Brand identity")
    expect(page.locator("[data-line]")).to_have_count(1)
    expect(page.locator("[data-line]").first.get_by_label("Item")).to_have_value(
        re.compile("Brand identity")
    )

    page.get_by_text("New product or service").click()
    page.locator("[name=product-name]").fill(f"Logo files {width}")
    page.locator("[name=product-unit_price]").fill("80")
    page.get_by_role("button", name="Save and add").click()
    expect(page.locator("[data-line]")).to_have_count(2)
    expect(page.locator(".doc-totals")).to_contain_text("€1,393.03")
    fits_width(page, "the builder", width)
    page.screenshot(path=f"{SHOTS}/builder-{width}.png", full_page=True)

    page.get_by_role("button", name="Review", exact=True).click()
    expect(page.get_by_role("heading", name="Review the quote")).to_be_visible()
    expect(page.locator("[data-review-total]")).to_have_text("€1,393.03")
    fits_width(page, "the review", width)
    page.screenshot(path=f"{SHOTS}/review-{width}.png", full_page=True)

    page.get_by_role("button", name="Save and send").click()
    expect(page.get_by_text(re.compile(r"Quote Q-\d{5} sent to carl@client.test"))).to_be_visible()
    fits_width(page, "the details", width)
    page.screenshot(path=f"{SHOTS}/details-{width}.png", full_page=True)

    page.goto(live_app.account_url(account, "/billing/quotes/"))
    expect(page.locator("tbody tr").first).to_contain_text("Carl Client")
    fits_width(page, "the list", width)
    page.screenshot(path=f"{SHOTS}/list-{width}.png", full_page=True)

    client_page = browser.new_context(viewport=viewport).new_page()
    client_page.goto(live_app.account_url(account, client_link(account)))
    expect(client_page.get_by_role("button", name="Approve")).to_be_visible()
    expect(client_page.locator(".doc-totals")).to_contain_text("€1,393.03")
    fits_width(client_page, "the client's page", width)
    client_page.screenshot(path=f"{SHOTS}/client-{width}.png", full_page=True)
    client_page.context.close()
    context.close()
