"""Issue 6's "done when": a new account installs Client Billing from the catalog, opens it
with Take me there, and shares access with an employee, who then sees it; an employee
cannot install."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from billing_saas.testing.fixtures import PASSWORD
from tests.e2e.test_client_billing_flow import install_client_billing
from tests.e2e.test_signup_and_team import invitation_link, sign_up, unique


def invite_employee(page, live_app, host, email):
    page.get_by_role("link", name="Employees").click()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation sent to {email}")).to_be_visible()


def accept_invitation(browser, live_app, host, name, owner_page):
    link = invitation_link(owner_page.context, live_app, host)
    context = browser.new_context()
    page = context.new_page()
    page.goto(link)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()
    return page


def test_install_take_me_there_and_share_access(page, browser, live_app):
    slug = unique("share")
    host = f"{slug}.localhost"
    sign_up(page, live_app, slug, "Sia Owner", f"sia@{slug}.example")
    invite_employee(page, live_app, host, f"emil@{slug}.example")
    employee = accept_invitation(browser, live_app, host, "Emil Employee", page)

    # The employee sees the tile but cannot install.
    with employee.context.expect_page() as opened:
        employee.get_by_role("link", name="Catalog").click()
    catalog = opened.value
    catalog.get_by_role("link", name=re.compile("Client Billing")).click()
    expect(catalog.get_by_text("Only billing administrators")).to_be_visible()
    expect(catalog.get_by_role("link", name="Install")).to_have_count(0)
    catalog.screenshot(path="test-artifacts/catalog-detail-employee.png", full_page=True)

    billing = install_client_billing(page)
    billing.get_by_role("link", name="Share access").click()
    billing.locator("tr", has_text="Emil Employee").get_by_role(
        "button", name="Give access"
    ).click()
    expect(billing.get_by_text("Emil Employee can now use Client Billing.")).to_be_visible()

    employee.reload()
    employee.get_by_role("link", name="Client Billing", exact=True).click()
    expect(employee.get_by_role("heading", name="Client Billing", level=1)).to_be_visible()

    billing.locator("tr", has_text="Emil Employee").get_by_role(
        "button", name="Remove access"
    ).click()
    expect(
        billing.get_by_text("Emil Employee no longer has access to Client Billing.")
    ).to_be_visible()
    employee.reload()
    expect(employee.get_by_text("403")).to_be_visible()
