"""Client Billing on QuickBooks in Chromium: connect, send, the client pays on QuickBooks'
page, the webhook marks it Paid; with the webhook lost, Change Data Capture repairs it."""

from __future__ import annotations

from playwright.sync_api import expect

from connectors.tasks import reconcile_connections
from tenants.models import Tenant
from tests.e2e.test_client_billing_flow import (
    PAID_WAIT,
    create_and_send,
    emailed_link,
    install_client_billing,
)
from tests.e2e.test_signup_and_team import sign_up, unique


def pay_on_quickbooks(browser, link):
    client = browser.new_context().new_page()
    client.goto(link)
    client.get_by_role("link", name="Pay now").click()
    expect(client.get_by_text("QuickBooks emulator")).to_be_visible()
    client.get_by_label("Card number").fill("4242 4242 4242 4242")
    client.get_by_label("Expiry (MM / YY)").fill("12 / 34")
    client.get_by_label("CVC").fill("123")
    client.get_by_role("button", name="Pay now").click()
    expect(client.get_by_text("This invoice is paid. Thank you!")).to_be_visible()


def test_quickbooks_request_paid_by_webhook_then_repaired_by_cdc(
    page, browser, live_app, quickbooks_emulator
):
    slug = unique("fern")
    sign_up(page, live_app, slug, "Fern Owner", f"fern@{slug}.example")
    page = install_client_billing(page, "QuickBooks Payments")

    create_and_send(page, "Bookkeeping – Q4", "640", "Gus Client", "gus@client.test")
    pay_on_quickbooks(browser, emailed_link(slug, "gus@client.test"))
    row = page.locator("tr[data-request]").first
    expect(row).to_contain_text("Paid", timeout=PAID_WAIT)
    expect(row).to_contain_text("QuickBooks Payments")
    page.screenshot(path="test-artifacts/quickbooks-paid.png", full_page=True)

    quickbooks_emulator.notifier.paused = True  # the next notification is lost
    create_and_send(page, "Payroll – December", "210", "Hal Client", "hal@client.test")
    pay_on_quickbooks(browser, emailed_link(slug, "hal@client.test"))
    row = page.locator("tr[data-request]").first
    expect(row).to_contain_text("Sent (pending)")
    schema = Tenant.objects.get(slug=slug).schema_name
    reconcile_connections.delay(schema)  # the periodic pass, on the real worker
    expect(row).to_contain_text("Paid", timeout=PAID_WAIT)
