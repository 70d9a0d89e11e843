"""A billing administrator connects Stripe (the offline emulator) from the browser."""

import re

from playwright.sync_api import expect

from tests.e2e.test_signup_and_team import sign_up, unique


def open_payment_settings(page):
    page.get_by_role("link", name="Payment platforms").click()
    expect(page.get_by_role("heading", name="Payment platforms", level=1)).to_be_visible()


def test_an_owner_connects_an_existing_stripe_account_in_test_mode(page, live_app):
    slug = unique("studio")
    sign_up(page, live_app, slug, "Sam Owner", f"sam@{slug}.example")
    open_payment_settings(page)
    page.screenshot(path="test-artifacts/payment-platforms-empty.png", full_page=True)

    expect(page.get_by_label("Test mode").first).to_be_checked()
    page.get_by_role("button", name="Connect with Stripe").click()

    expect(page.get_by_role("heading", name="Connect your Stripe account")).to_be_visible()
    page.get_by_label("Business name").fill("Sam's Studio")
    page.get_by_role("button", name="Connect my Stripe account").click()

    expect(page).to_have_url(re.compile(rf"//{slug}\.localhost:\d+/settings/payments/"))
    expect(page.get_by_text("Stripe account “Sam's Studio” connected (Test mode).")).to_be_visible()
    row = page.locator("tr[data-connection^='acct_']")
    expect(row).to_contain_text("Sam's Studio")
    expect(row).to_contain_text("Test mode")
    expect(row).to_contain_text("Connected")
    expect(row.locator("code")).to_have_text(re.compile(r"^acct_\w+$"))
    page.screenshot(path="test-artifacts/payment-platforms-connected.png", full_page=True)

    row.get_by_text("Disconnect", exact=True).click()
    page.get_by_role("button", name="Yes, disconnect").click()
    expect(page.get_by_text("Its history stays here.")).to_be_visible()
    expect(page.locator("tr[data-connection^='acct_']")).to_have_count(0)


def test_an_owner_creates_a_new_stripe_account_and_finishes_onboarding(page, live_app):
    slug = unique("salon")
    sign_up(page, live_app, slug, "Lea Owner", f"lea@{slug}.example")
    open_payment_settings(page)
    page.get_by_role("link", name="Create a Stripe account").click()
    expect(page.get_by_role("heading", name="Create a Stripe account")).to_be_visible()

    page.get_by_label("Country").select_option("FR")
    page.get_by_label("Business name").fill("Salon Léa")
    page.get_by_label("Privacy policy URL").fill("https://salon-lea.example/privacy")
    page.get_by_role("button", name="Create my Stripe account").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()  # terms URL
    page.get_by_label("Terms of service URL").fill("https://salon-lea.example/terms")
    page.screenshot(path="test-artifacts/new-stripe-account.png", full_page=True)
    page.get_by_role("button", name="Create my Stripe account").click()

    expect(page.get_by_role("heading", name="Activate your Stripe account")).to_be_visible()
    page.get_by_role("button", name="Agree and submit").click()

    expect(page.get_by_text("ready to take payments")).to_be_visible()
    row = page.locator("tr[data-connection^='acct_']")
    expect(row).to_contain_text("Salon Léa")
    expect(row).to_contain_text("Connected")
