"""Issue 19's saved payment methods in Chromium: a client opens its portal link, adds a Visa
(4242) then a Mastercard on the Stripe emulator's hosted page, makes the Mastercard its
default and removes the Visa; Stripe ends with the Mastercard alone, the default, and the
setup sessions' webhooks were taken in without a failure. Screenshots at 390 and 1280 px land
in ``test-artifacts/payment-methods/``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import committed_account
from billing_saas.testing.polling import wait_until
from billing_saas.testing.stripe import connect_stripe
from emulators.stripe.server import app_settings as stripe_settings
from tests.e2e.helpers import fits_width

SHOTS = "test-artifacts/payment-methods"
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def account(accounts, stripe_emulator, django_db_blocker):
    """Committed (the server sees it), connected to Stripe; Ivy has a link to her portal."""
    from client_portal.links import new_link
    from clients.models import Client

    tenant = committed_account(django_db_blocker, "methods", "Atelier Sol", "Sol Owner")
    with django_db_blocker.unblock(), override_settings(**stripe_settings(stripe_emulator.url)):
        stripe = connect_stripe(stripe_emulator, tenant, business_name="Atelier Sol")
        with schema_context(tenant.schema_name):
            ivy = Client.objects.create(name="Ivy Moss", email="ivy@methods.test")
            token = new_link(ivy, "/portal/payment-methods/", valid_for=timedelta(days=7))
        connection.set_schema_to_public()
    return tenant, stripe.remote_account_id, token


def save_card(page, number: str) -> None:
    """Add a payment method → the emulator's setup page → this card, saved."""
    page.get_by_role("button", name="Add a payment method").click()
    expect(page.get_by_text("Save your card for future payments")).to_be_visible()
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry (MM / YY)").fill("12 / 34")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Save card").click()
    expect(page.get_by_text("Card added.")).to_be_visible()


def both_widths(page, name: str) -> None:
    for viewport in (NARROW, WIDE):
        page.set_viewport_size(viewport)
        fits_width(page, name, viewport["width"])
        page.screenshot(path=f"{SHOTS}/{name}-{viewport['width']}.png", full_page=True)


def row(page, label: str):
    return page.locator("tr[data-method]", has_text=label)


def stripe_customer(stripe_emulator, account_id: str) -> tuple[dict, dict]:
    """The account's one customer, and its attached PaymentMethods by last four digits."""
    objects = stripe_emulator.state.accounts[account_id].objects.values()
    [customer] = [obj for obj in objects if obj.get("object") == "customer"]
    methods = {
        obj["card"]["last4"]: obj
        for obj in objects
        if obj.get("object") == "payment_method" and obj["customer"] == customer["id"]
    }
    return customer, methods


def checkout_events(tenant) -> list[tuple[str, bool]]:
    """The setup sessions' ``checkout.session.completed`` in the inbox: (outcome, processed)."""
    from connectors.models import InboundEvent

    with schema_context(tenant.schema_name):
        found = InboundEvent.objects.filter(event_type="checkout.session.completed")
        return [(event.outcome, event.processed_at is not None) for event in found]


def test_client_adds_two_cards_makes_the_second_the_default_and_removes_the_first(
    browser, live_app, account, stripe_emulator
):
    tenant, account_id, token = account
    context = browser.new_context(viewport=NARROW)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto(live_app.account_url(tenant, f"/portal/open/{token}/"))
    expect(page.get_by_role("heading", name="Payment methods")).to_be_visible()
    expect(page.get_by_text("No saved payment method yet.")).to_be_visible()
    both_widths(page, "empty")

    save_card(page, "4242 4242 4242 4242")
    expect(row(page, "Visa •••• 4242")).to_contain_text("Default")
    save_card(page, "5555 5555 5555 4444")
    expect(row(page, "Mastercard •••• 4444")).to_contain_text("12/2034")
    expect(row(page, "Mastercard •••• 4444")).not_to_contain_text("Default")
    both_widths(page, "two-cards")

    # Show the Mastercard: make it the default.
    row(page, "Mastercard •••• 4444").get_by_role("link", name="Show").click()
    expect(page.get_by_role("heading", name="Mastercard •••• 4444")).to_be_visible()
    both_widths(page, "show")
    page.get_by_role("button", name="Make default").click()
    expect(page.get_by_text("Default payment method changed.")).to_be_visible()
    expect(row(page, "Mastercard •••• 4444")).to_contain_text("Default")
    expect(row(page, "Visa •••• 4242")).not_to_contain_text("Default")

    # Show the Visa: remove it, once confirmed.
    row(page, "Visa •••• 4242").get_by_role("link", name="Show").click()
    expect(page.get_by_role("button", name="Make default")).to_be_visible()
    page.get_by_role("link", name="Remove").click()
    expect(page.get_by_text("Remove Visa •••• 4242?")).to_be_visible()
    both_widths(page, "remove")
    page.get_by_role("button", name="Yes, remove it").click()
    expect(page.get_by_text("Payment method removed.")).to_be_visible()
    expect(row(page, "Visa")).to_have_count(0)
    expect(row(page, "Mastercard •••• 4444")).to_contain_text("Default")
    both_widths(page, "after-remove")

    # On Stripe: the Mastercard alone, the customer's default; the Visa detached.
    customer, methods = stripe_customer(stripe_emulator, account_id)
    assert list(methods) == ["4444"]
    assert customer["invoice_settings"]["default_payment_method"] == methods["4444"]["id"]
    # The setup sessions' events (a checkout.session.completed without a currency) were
    # delivered to the server and taken in by its worker, ignored: billing has nothing to do.
    assert (
        wait_until(
            lambda: checkout_events(tenant),
            lambda found: len(found) == 2 and all(processed for _outcome, processed in found),
            timeout=30,
        )
        == [("ignored", True)] * 2
    )
    context.close()
