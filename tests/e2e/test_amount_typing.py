"""Amounts typed in Chromium, in an English and in a French browser: saved as typed, or
refused with a message; never silently changed (``1250,50`` once became 125 050,00)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import committed_account
from tests.e2e.test_signup_and_team import sign_in


@pytest.fixture(scope="module")
def account(accounts, django_db_blocker):
    from clients.models import Client

    tenant = committed_account(django_db_blocker, "amounts", "Amount Studio", "Amy Owner")
    with django_db_blocker.unblock(), schema_context(tenant.schema_name):
        Client.objects.create(name="Carl Client", email="carl@client.test")
    return tenant


def saved_amounts(tenant):
    from payment_requests.models import PaymentRequest

    with schema_context(tenant.schema_name):
        return {item.description: item.amount for item in PaymentRequest.objects.all()}


def new_draft(page, live_app, tenant, description, typed):
    page.goto(live_app.account_url(tenant, "/billing/requests/new/"))
    page.get_by_label("Description").fill(description)
    page.get_by_label("Client", exact=True).fill("carl")
    page.get_by_role("option").get_by_role("button", name=re.compile("Carl Client")).click()
    amount = page.get_by_label("Unit price")
    amount.click()
    amount.press_sequentially(typed)  # key by key, as a person types
    page.get_by_role("button", name="Save as draft").click()


@pytest.mark.parametrize("locale", ["en-US", "fr-FR"])
def test_amounts_typed_with_a_comma_or_a_point_are_saved_as_typed(
    browser, live_app, account, locale
):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, live_app, account.host, account.owner_email)
    expect(page.get_by_role("heading", name="Hello, Amy Owner")).to_be_visible()

    new_draft(page, live_app, account, f"Comma {locale}", "1250,50")
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    new_draft(page, live_app, account, f"Spaces {locale}", "1 250,50")
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    new_draft(page, live_app, account, f"Point {locale}", "1250.50")
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    amounts = saved_amounts(account)
    for name in ("Comma", "Spaces", "Point"):
        assert amounts[f"{name} {locale}"] == Decimal("1250.50")

    new_draft(
        page, live_app, account, f"Ambiguous {locale}", "1.250" if locale == "en-US" else "1,250"
    )
    alert = page.locator(".field--error .field__error")
    expect(alert).to_contain_text("could mean 1250 or 1")
    expect(page.get_by_label("Unit price")).to_have_value("1.250" if locale == "en-US" else "1,250")
    page.screenshot(path=f"test-artifacts/amount-ambiguous-{locale}.png", full_page=True)
    assert f"Ambiguous {locale}" not in saved_amounts(account)
    context.close()
