"""Credit notes, recurring invoices and subscription plans in Chromium, staff side and client
portal, at 1280 and 390 px: every page fits, nothing scrolls sideways, no table is cut off.
Screenshots land in ``test-artifacts/credits-and-recurring/``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import committed_account, owner_of
from tests.e2e.helpers import fits_width
from tests.e2e.test_signup_and_team import sign_in

SHOTS = "test-artifacts/credits-and-recurring"
VIEWPORTS = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]


@pytest.fixture(scope="module")
def account(accounts, django_db_blocker):
    """A client with a credit note partly applied to an invoice, and a monthly recurring
    invoice that has sent one of its invoices."""
    from client_portal.links import new_link
    from clients.models import Client
    from credits.services.issuing import issue
    from payment_requests.models import TaxRate
    from payment_requests.services import create_request
    from payment_requests.services.lines import LineDraft
    from payment_requests.services.manual import mark_sent
    from recurring.models import RecurringDocument, RecurringInvoice
    from recurring.services import create_recurring
    from subscriptions.models import Plan

    tenant = committed_account(django_db_blocker, "creditsrec", "Harbour Lane Studio", "Ivy Owner")
    with django_db_blocker.unblock(), schema_context(tenant.schema_name):
        owner = owner_of(tenant)
        client = Client.objects.create(
            name="Nora Castellanos-Whitfield",
            company="Whitfield Architecture",
            email="nora@wa.test",
        )
        vat = TaxRate.objects.create(name="VAT", rate=Decimal("20"))
        today = timezone.localdate(timezone.now(), tenant.tzinfo)
        issue(client=client, currency="EUR", amount=Decimal("45.00"), actor=owner,
              reason="Session cancelled at short notice – goodwill")  # fmt: skip
        issue(client=client, currency="EUR", amount=Decimal("120.00"), actor=owner,
              reason="Overpaid deposit, to pay back", use="refund")  # fmt: skip
        invoice = create_request(
            actor=owner, description="Brand workshop", client=client, amount=Decimal("300.00"),
            currency="EUR", due_date=today + timedelta(days=14),
        )  # fmt: skip
        mark_sent(invoice.pk, actor=owner)  # takes the €45.00 credit
        recurring = create_recurring(
            actor=owner, client=client, description="Website hosting and care plan",
            currency="EUR", frequency="monthly", start_on=today, cycles=12,
            lines=[LineDraft("Hosting", Decimal(1), Decimal("40.00"), tax_rates=(vat,)),
                   LineDraft("Care plan (2 hours)", Decimal(2), Decimal("55.00"))],
        )  # fmt: skip
        sent = create_request(
            actor=owner, description="Website hosting and care plan", client=client,
            amount=Decimal("158.00"), currency="EUR", due_date=today + timedelta(days=14),
        )  # fmt: skip
        mark_sent(sent.pk, actor=owner)
        RecurringDocument.objects.create(recurring=recurring, period=today, request=sent)
        RecurringInvoice.objects.filter(pk=recurring.pk).update(
            cycles_done=1, next_send_on=today + timedelta(days=31)
        )
        Plan.objects.create(name="Care plan – Essentials", price=Decimal("49.00"), group="care")
        Plan.objects.create(
            name="Care plan – Pro", price=Decimal("490.00"), interval="year", group="care"
        )
        links = {
            viewport["width"]: new_link(client, "/portal/credits/", valid_for=timedelta(days=1))
            for viewport in VIEWPORTS
        }
    return tenant, links, recurring.pk


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda viewport: str(viewport["width"]))
def test_credit_and_recurring_pages_fit(browser, live_app, account, viewport):
    tenant, links, recurring = account
    width = viewport["width"]
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, live_app, tenant.host, tenant.owner_email)

    def shot(path: str, name: str, text: str) -> None:
        page.goto(live_app.account_url(tenant, path))
        expect(page.get_by_text(text).first).to_be_visible()
        fits_width(page, name, width)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)

    shot("/billing/credits/?state=all", "credits", "Session cancelled at short notice")
    page.get_by_role("link", name="CR-00001").first.click()
    expect(page.get_by_text("INV-00001").first).to_be_visible()
    fits_width(page, "a credit note", width)
    page.screenshot(path=f"{SHOTS}/credit-note-{width}.png", full_page=True)
    shot("/billing/credits/new/", "new-credit-note", "Issue the credit note")
    shot("/billing/recurring/", "recurring", "Website hosting and care plan")
    shot(f"/billing/recurring/{recurring}/", "a-recurring-invoice", "INV-00002")
    shot("/billing/recurring/new/", "new-recurring-invoice", "Schedule")
    shot("/billing/plans/", "plans", "Care plan – Pro")
    shot("/billing/subscriptions/", "subscriptions", "What clients may do in their portal")

    portal = context.new_page()
    page = portal
    portal.goto(live_app.account_url(tenant, f"/portal/open/{links[width]}/"))
    expect(portal.get_by_text("Session cancelled at short notice").first).to_be_visible()
    fits_width(portal, "the portal's credits", width)
    portal.screenshot(path=f"{SHOTS}/portal-credits-{width}.png", full_page=True)
    shot("/portal/recurring/", "portal-recurring", "Website hosting and care plan")
    page.get_by_role("link", name="Show").first.click()
    expect(page.get_by_text("INV-00002").first).to_be_visible()
    fits_width(page, "the portal's recurring invoice", width)
    page.screenshot(path=f"{SHOTS}/portal-a-recurring-invoice-{width}.png", full_page=True)
    # Not connected to a platform that keeps cards or runs subscriptions: each page says so.
    shot("/portal/payment-methods/", "portal-payment-methods", "cannot keep payment methods")
    shot("/portal/subscriptions/", "portal-subscriptions", "Subscriptions are not available.")
    context.close()
