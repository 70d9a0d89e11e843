"""Automated invoicing in Chromium at 1280 and 390 px: the Auto-send invoices settings (the
weekday shown only for a weekly cycle), the runs list with Run now's confirmation, a run
whose documents failed, and Run now done by the worker. Screenshots land in
``test-artifacts/auto_invoicing/``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import committed_account, owner_of
from tests.e2e.helpers import fits_width
from tests.e2e.test_signup_and_team import sign_in

SHOTS = "test-artifacts/auto_invoicing"
VIEWPORTS = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]


@pytest.fixture(scope="module")
def account(accounts, django_db_blocker):
    """An account with two runs: drafts for three clients (euros and dollars), then invoices
    that failed for want of a payment platform."""
    from auto_invoicing import cycle
    from auto_invoicing.models import AutoInvoicing, Mode
    from auto_invoicing.tasks import process_run
    from auto_invoicing.tests.conftest import a_charge, a_client

    tenant = committed_account(django_db_blocker, "autoinv", "Salon Lumière", "Lou Owner")
    today = timezone.localdate(timezone.now(), tenant.tzinfo)
    with (
        django_db_blocker.unblock(),
        schema_context(tenant.schema_name),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(process_run, "delay", lambda *args: None)  # processed right here
        owner = owner_of(tenant)
        clients = [
            a_client("Ann Lee", mobile="+33612345678"),
            a_client("Bartholomew Fitzgerald-Smythe of the Long Name Company"),
            a_client("Cy Twombly", mobile="+33612345679", sms_opted_out=True),
        ]
        for index, client in enumerate(clients):
            a_charge(client, "30.00", today - timedelta(days=index), "Haircut")
            a_charge(client, "12.50", today, "Shampoo")
        a_charge(clients[0], "99.00", today, "Gift card", currency="USD")
        cycle.process(cycle.start_manual_run(owner).pk)
        for client in clients:
            a_charge(client, "45.00", today, "Colour")
        settings = AutoInvoicing.current()
        settings.mode = Mode.INVOICES
        settings.save()
        cycle.process(cycle.start_manual_run(owner).pk)
    return tenant


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda viewport: str(viewport["width"]))
def test_the_settings_and_runs_pages_fit(browser, live_app, account, viewport):
    width = viewport["width"]
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, live_app, account.host, account.owner_email)

    page.goto(live_app.account_url(account, "/settings/payments/auto-send/"))
    page.get_by_text("Monthly", exact=True).click()
    expect(page.get_by_label("Day of the month")).to_be_visible()
    expect(page.get_by_label("Day of the week")).to_be_hidden()
    page.get_by_text("Weekly", exact=True).click()
    expect(page.get_by_label("Day of the week")).to_be_visible()
    expect(page.get_by_label("Day of the month")).to_be_hidden()
    if not page.get_by_label("Auto-send invoices").is_checked():
        page.locator(".switch").click()
    fits_width(page, "the settings", width)
    page.screenshot(path=f"{SHOTS}/settings-{width}.png", full_page=True)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Auto-send invoices is on.")).to_be_visible()
    expect(page.get_by_text("Next run:")).to_be_visible()

    page.goto(live_app.account_url(account, "/billing/runs/"))
    expect(page.locator("tbody tr").nth(1)).to_be_visible()  # and a Run now of the other width
    page.get_by_text("Run now", exact=True).click()
    expect(page.get_by_role("button", name="Yes, run now")).to_be_visible()
    fits_width(page, "the runs", width)
    page.screenshot(path=f"{SHOTS}/runs-{width}.png", full_page=True)
    page.get_by_text("Run now", exact=True).click()  # closed again: not now

    failed_run = page.locator("tbody tr", has=page.locator("[data-failures]"))
    failed_run.get_by_role("link").first.click()
    expect(page.get_by_text("Connect a payment platform before sending requests.")).to_have_count(3)
    fits_width(page, "the run", width)
    page.screenshot(path=f"{SHOTS}/run-{width}.png", full_page=True)

    # Run now, for real: the worker runs it and the page follows it until it is finished.
    page.goto(live_app.account_url(account, "/billing/runs/"))
    page.get_by_text("Run now", exact=True).click()
    page.get_by_role("button", name="Yes, run now").click()
    expect(page.get_by_text("Run started. This page follows it")).to_be_visible()
    expect(page.get_by_text("Nobody to bill")).to_be_visible(timeout=20000)  # all billed
    context.close()
