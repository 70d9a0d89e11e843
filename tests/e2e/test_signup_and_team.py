"""A newcomer signs up in Chromium, lands on their dashboard, and brings an employee aboard."""

import re
import uuid

from playwright.sync_api import expect

from billing_saas.testing.database import schema_names, schemas_holding
from billing_saas.testing.fixtures import PASSWORD
from tenants.members.models import User
from tenants.models import Domain, Tenant


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def sign_up(page, live_app, slug: str, owner: str, email: str) -> None:
    page.goto(live_app.url(path="/"))
    page.get_by_role("link", name="Create your account").click()
    page.get_by_label("Company name").fill("Acme Plumbing")
    page.get_by_label("Subdomain").fill(slug)
    page.get_by_label("Your name").fill(owner)
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()


def sign_in(page, live_app, host: str, email: str) -> None:
    page.goto(live_app.url(host, "/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def invitation_link(context, live_app, host: str, subject: str = "invited you to join") -> str:
    """The newest invitation's accept link, read in the account's dev outbox in a new tab of
    ``context``, which must be signed in as a billing administrator."""
    outbox = context.new_page()
    try:
        outbox.goto(live_app.url(host, "/dev/outbox/"))
        outbox.get_by_role("link", name=re.compile(subject)).first.click()
        return outbox.locator("pre.mail-text a").first.get_attribute("href")
    finally:
        outbox.close()


def sign_out(page) -> None:
    page.get_by_label("Your account").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_sign_up_lands_the_owner_on_their_dashboard(page, live_app):
    slug = unique("acme")
    sign_up(page, live_app, slug, "Ada Owner", f"ada@{slug}.example")

    expect(page).to_have_url(live_app.url(f"{slug}.localhost", "/"))
    expect(page.get_by_role("heading", name="Hello, Ada Owner")).to_be_visible()
    expect(page.locator(".sidebar__account")).to_have_text("Acme Plumbing")
    expect(page.get_by_role("link", name="Employees")).to_be_visible()
    page.screenshot(path="test-artifacts/signup-dashboard.png", full_page=True)


def test_sign_up_with_a_reserved_subdomain_shows_why_and_creates_nothing(page, live_app):
    email = f"{unique('ada')}@example.com"
    accounts, schemas = Tenant.objects.count(), schema_names()

    sign_up(page, live_app, "admin", "Ada Owner", email)

    expect(page.get_by_text("“admin” is reserved")).to_be_visible()
    expect(page).to_have_url(live_app.url(path="/signup/"))
    assert Tenant.objects.count() == accounts
    assert not Tenant.objects.filter(slug="admin").exists()
    assert schema_names() == schemas
    assert not Domain.objects.filter(domain__startswith="admin.").exists()
    assert schemas_holding(User, email=email) == []


def test_an_invited_employee_accepts_and_signs_in(page, live_app):
    slug = unique("team")
    sign_up(page, live_app, slug, "Olga Owner", f"olga@{slug}.example")
    host = f"{slug}.localhost"

    page.get_by_role("link", name="Employees").click()
    employee_email = f"eve@{slug}.example"
    page.get_by_label("Email").fill(employee_email)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation sent to {employee_email}")).to_be_visible()
    # The invitation email, read by the owner in the account's dev outbox.
    accept_link = invitation_link(page.context, live_app, host, "invited you to join Acme")
    sign_out(page)

    page.goto(accept_link)

    expect(page.get_by_role("heading", name="Join Acme Plumbing")).to_be_visible()
    page.get_by_label("Your name").fill("Eve Employee")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_role("heading", name="Hello, Eve Employee")).to_be_visible()
    expect(page.get_by_role("link", name="Employees")).to_have_count(0)

    sign_out(page)
    sign_in(page, live_app, host, employee_email)
    expect(page.get_by_role("heading", name="Hello, Eve Employee")).to_be_visible()


def test_the_dashboard_menu_folds_away_on_a_phone(browser, live_app):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        slug = unique("phone")
        sign_up(page, live_app, slug, "Pia Owner", f"pia@{slug}.example")
        expect(page.get_by_role("heading", name="Hello, Pia Owner")).to_be_visible()
        sidebar = page.locator(".sidebar")
        # Off screen until asked for (polled: the stylesheet may still be on its way).
        expect(sidebar).not_to_be_in_viewport()
        assert sidebar.bounding_box()["x"] < 0
        page.get_by_label("Open menu").click()
        # It slides in: wait (up to the default timeout) until it is all the way in.
        page.wait_for_function(
            "sidebar => sidebar.getBoundingClientRect().x === 0", arg=sidebar.element_handle()
        )
        expect(sidebar).to_be_in_viewport(ratio=1)
        page.screenshot(path="test-artifacts/phone-menu.png")
    finally:
        context.close()
