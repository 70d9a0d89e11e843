"""The whole Client Billing flow in Chromium, against the Stripe emulator and a real worker."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.polling import wait_until
from notifications.models import OutboxMessage
from tenants.models import Tenant
from tests.e2e.helpers import pay_with_card
from tests.e2e.test_signup_and_team import sign_up, unique

PAID_WAIT = 30_000  # webhook → worker → dashboard poll


def install_client_billing(page, platform="Stripe"):
    """From the menu's Catalog (a new tab) through the wizard; returns the tab it ends in."""
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Catalog").click()
    catalog = opened.value
    catalog.get_by_role("link", name=re.compile("Client Billing")).click()
    catalog.get_by_role("link", name="Install").click()
    expect(catalog.get_by_role("heading", name="Welcome to Client Billing")).to_be_visible()
    catalog.get_by_role("link", name="Continue").click()
    catalog.get_by_label(platform).check()
    catalog.get_by_role("button", name="Continue").click()
    if platform == "Stripe":
        catalog.get_by_role(
            "button", name="New connection: connect an existing Stripe account"
        ).click()
        catalog.get_by_role("button", name="Connect my Stripe account").click()
    else:
        catalog.get_by_role("button", name="New connection: connect QuickBooks").click()
        catalog.get_by_label("Company", exact=True).fill("Fern Books LLC")
        catalog.get_by_role("button", name="Connect", exact=True).click()
    expect(catalog.get_by_text(re.compile(r"account “.+” connected"))).to_be_visible()
    catalog.screenshot(path=f"test-artifacts/wizard-connection-{platform}.png", full_page=True)
    catalog.get_by_role("button", name="Use this connection").click()
    catalog.get_by_role("button", name="Install").click()
    expect(catalog.get_by_text("Client Billing is installed.")).to_be_visible(timeout=20_000)
    catalog.screenshot(path=f"test-artifacts/wizard-installed-{platform}.png", full_page=True)
    catalog.get_by_role("link", name="Take me there").click()
    expect(catalog.get_by_role("heading", name="Client Billing", level=1)).to_be_visible()
    return catalog


def create_and_send(page, description, amount, client_name, client_email):
    page.get_by_role("link", name="Client Billing", exact=True).click()
    page.get_by_role("link", name="Create a payment request").click()
    page.get_by_label("Description").fill(description)
    if client_email:
        page.get_by_label("New client's name").fill(client_name)
        page.get_by_label("New client's email").fill(client_email)
    else:
        # The client picker suggests clients as one types (the page never lists them all).
        page.get_by_label("Client", exact=True).fill(client_name[:4].lower())
        page.get_by_role("option").get_by_role("button", name=client_name).click()
    page.get_by_label("Unit price").fill(amount)
    page.get_by_label("Due date").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Send payment request").click()
    expect(page.get_by_text(re.compile(r"Payment request INV-\d+ sent to"))).to_be_visible()


def emails(slug, subject_contains):
    tenant = Tenant.objects.get(slug=slug)
    with schema_context(tenant.schema_name):
        return list(
            OutboxMessage.objects.filter(subject__contains=subject_contains).order_by("created_at")
        )


def paid_emails_to(slug, amount):
    receipts = emails(slug, amount)
    return sorted(m.to[0] for m in receipts if "received" in m.subject or "paid" in m.subject)


def emailed_link(slug, client_email):
    tenant = Tenant.objects.get(slug=slug)
    with schema_context(tenant.schema_name):
        mail = (
            OutboxMessage.objects.filter(to__contains=[client_email]).order_by("created_at").first()
        )
    return re.search(r"http://\S+/pay/\S+/", mail.body_text).group(0)


def test_request_sent_paid_by_the_client_and_shown_paid_without_reload(page, browser, live_app):
    slug = unique("agency")
    sign_up(page, live_app, slug, "Ivy Owner", f"ivy@{slug}.example")
    page = install_client_billing(page)
    create_and_send(page, "Consulting – June 2024", "1250.50", "Carl Client", "carl@client.test")

    row = page.locator("tr[data-request]").first
    expect(row).to_contain_text("1,250.50")
    expect(row).to_contain_text("Sent (pending)")
    page.screenshot(path="test-artifacts/billing-dashboard-sent.png", full_page=True)

    # The client, in their own browser, opens the emailed link and pays with 4242.
    client = browser.new_context().new_page()
    client.goto(emailed_link(slug, "carl@client.test"))
    expect(client.get_by_text("1,250.50")).to_be_visible()
    client.screenshot(path="test-artifacts/client-link.png", full_page=True)
    pay_with_card(client)
    expect(client.get_by_text("Thank you!")).to_be_visible()

    # The dashboard, never reloaded, turns Paid when the webhook has been applied.
    expect(row).to_contain_text("Paid", timeout=PAID_WAIT)
    page.screenshot(path="test-artifacts/billing-dashboard-paid.png", full_page=True)
    # The worker emails the client and the creator after committing Paid: a moment later.
    wait_until(
        lambda: paid_emails_to(slug, "1,250.50"),
        lambda sent: sent == ["carl@client.test", f"ivy@{slug}.example"],
        timeout=PAID_WAIT / 1000,
    )

    row.get_by_role("link").first.click()
    panel = page.get_by_role("complementary", name="Payment request details")
    expect(panel).to_contain_text("Visa •••• 4242")
    expect(panel).to_contain_text(re.compile(r"in_\w+"))
    page.screenshot(path="test-artifacts/billing-side-panel.png", full_page=True)


def test_a_declined_card_leaves_the_request_unpaid_with_the_reason(page, browser, live_app):
    slug = unique("studio")
    sign_up(page, live_app, slug, "Jo Owner", f"jo@{slug}.example")
    page = install_client_billing(page)
    create_and_send(page, "Logo design", "300", "Dee Client", "dee@client.test")

    client = browser.new_context().new_page()
    client.goto(emailed_link(slug, "dee@client.test"))
    pay_with_card(client, "4000 0000 0000 0002")
    expect(client.get_by_role("alert")).to_have_text("Your card was declined.")

    row = page.locator("tr[data-request]").first
    expect(row).to_contain_text("Payment failed: The card was declined.", timeout=PAID_WAIT)
    expect(row).to_contain_text("Sent (pending)")
