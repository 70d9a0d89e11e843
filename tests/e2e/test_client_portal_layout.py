"""The client portal in Chromium: a client follows an emailed link into its portal, lands on
the invoice, goes to the list and filters it, at 1280 px and at 390 px; nothing scrolls
sideways. Screenshots land in ``test-artifacts/client-portal/``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import committed_account, owner_of
from tests.e2e.helpers import fits_width

SHOTS = "test-artifacts/client-portal"
VIEWPORTS = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]


@pytest.fixture(scope="module")
def account(accounts, django_db_blocker):
    """An account whose client has invoices in every state the portal shows (and a draft)."""
    from client_portal.links import new_link
    from client_portal.models import PortalSettings
    from clients.models import Client
    from payment_requests.models import BillingSettings, PaymentRequest, TaxRate
    from payment_requests.services import create_request
    from payment_requests.services.lines import LineDraft

    tenant = committed_account(django_db_blocker, "portal", "Maple & Birch Design", "Iris Owner")
    Status = PaymentRequest.Status
    with django_db_blocker.unblock(), schema_context(tenant.schema_name):
        BillingSettings.objects.update_or_create(pk=1, defaults={"brand_color": "#0f766e"})
        PortalSettings.objects.update_or_create(pk=1, defaults={"registration_enabled": True})
        client = Client.objects.create(
            name="Nora Castellanos-Whitfield",
            company="Whitfield Architecture",
            email="nora@wa.test",
        )
        gst = TaxRate.objects.create(name="GST", rate=Decimal("5"))
        qst = TaxRate.objects.create(name="QST", rate=Decimal("9.975"))
        rows = [
            ("Brand identity – phase 2", Status.SENT, 10, [
                LineDraft("Logo refinements and a complete brand guideline document", Decimal(12),
                          Decimal("95.00"), tax_rates=(gst, qst)),
                LineDraft("Stationery", Decimal(1), Decimal("450.00"), Decimal("50.00"), (gst,)),
            ]),
            ("Website retainer – May", Status.OVERDUE, -5, None),
            ("Website retainer – April", Status.PAID, -30, None),
            ("Photography", Status.PARTIALLY_REFUNDED, -60, None),
            ("Unfinished draft", Status.DRAFT, 20, None),
        ]  # fmt: skip
        made = []
        for number, (description, status, days, lines) in enumerate(rows, start=1):
            item = create_request(
                actor=owner_of(tenant),
                description=description,
                client=client,
                amount=Decimal("1840.00"),
                currency="EUR",
                due_date=timezone.localdate() + timedelta(days=days),
                lines=lines,
            )
            if status != Status.DRAFT:
                PaymentRequest.objects.filter(pk=item.pk).update(
                    status=status,
                    number=f"INV-{number:05}",
                    sent_at=timezone.now() - timedelta(days=40 - number),
                    amount_paid=item.amount if status in PaymentRequest.PAID_STATUSES else 0,
                    amount_refunded=Decimal("200.00") if status == Status.PARTIALLY_REFUNDED else 0,
                )
            made.append(item)
        # The emailed links, one per browser (committed: the server reads them).
        target = f"/portal/invoices/{made[0].pk}/"
        links = {
            viewport["width"]: new_link(client, target, valid_for=timedelta(days=1))
            for viewport in VIEWPORTS
        }
    return tenant, links


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda viewport: str(viewport["width"]))
def test_the_portal_fits_from_the_emailed_link_to_the_list(browser, live_app, account, viewport):
    tenant, links = account
    width = viewport["width"]
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15000)
    page = context.new_page()

    page.goto(live_app.account_url(tenant, f"/portal/open/{links[width]}/"))

    expect(page.get_by_role("heading", name="Invoice INV-00001")).to_be_visible()
    expect(page.get_by_text("Logo refinements")).to_be_visible()
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    fits_width(page, "the invoice", width)
    page.screenshot(path=f"{SHOTS}/invoice-{width}.png", full_page=True)

    page.get_by_role("link", name="All invoices").click()
    expect(page.get_by_text("INV-00004")).to_be_visible()
    expect(page.get_by_text("Unfinished draft")).to_have_count(0)
    fits_width(page, "the list", width)
    page.screenshot(path=f"{SHOTS}/invoices-{width}.png", full_page=True)

    page.get_by_role("link", name="Unpaid").click()
    expect(page.get_by_text("INV-00003")).to_have_count(0)
    expect(page.get_by_text("INV-00002")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to your portal")).to_be_visible()
    fits_width(page, "the sign-in page", width)
    page.screenshot(path=f"{SHOTS}/sign-in-{width}.png", full_page=True)

    # Registration is on: a newcomer registers and is told to confirm the address.
    page.get_by_role("link", name="Register as a new client").click()
    page.get_by_label("Name").fill("Bea Newcomer")
    page.get_by_label("Email").fill(f"bea-{width}@new.test")
    fits_width(page, "the registration page", width)
    page.screenshot(path=f"{SHOTS}/register-{width}.png", full_page=True)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("we sent a link to confirm your address")).to_be_visible()
    fits_width(page, "the registration's answer", width)
    context.close()
