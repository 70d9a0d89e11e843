"""Issue 10 in Chromium: an employee without Client Billing access opens it and gets the
product's 403 page (in the app's layout, saying whom to ask), at 1280 px and on a phone."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import PASSWORD, committed_account
from tests.e2e.test_signup_and_team import sign_in

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def account_without_access(accounts, django_db_blocker):
    """Client Billing installed, and an employee nobody shared it with (committed rows)."""
    from tenants.members.models import User

    tenant = committed_account(django_db_blocker, "noaccess", "Quarry Studio", "Quinn Owner")
    with django_db_blocker.unblock(), schema_context(tenant.schema_name):
        User.objects.create_user(f"ezra@{tenant.slug}.example", PASSWORD, full_name="Ezra Employee")
    return tenant


@pytest.mark.parametrize("size", SIZES)
def test_an_employee_without_access_sees_whom_to_ask(
    browser, live_app, account_without_access, size
):
    tenant = account_without_access
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    try:
        sign_in(page, live_app, tenant.host, f"ezra@{tenant.slug}.example")
        expect(page.get_by_role("heading", name="Hello, Ezra Employee")).to_be_visible()

        response = page.goto(live_app.account_url(tenant, "/billing/"))

        assert response.status == 403
        expect(
            page.get_by_role("heading", name="You don't have access to this page")
        ).to_be_visible()
        expect(page.get_by_text("Client Billing is open to billing administrators")).to_be_visible()
        expect(page.get_by_role("link", name=tenant.owner_email)).to_be_visible()
        page.screenshot(path=f"test-artifacts/error-403-{size}.png", full_page=True)

        page.get_by_role("link", name="Back to the dashboard").click()
        expect(page.get_by_role("heading", name="Hello, Ezra Employee")).to_be_visible()
    finally:
        context.close()
