"""The client portal's Quotes, Payments (with a receipt) and Your details in Chromium, at
1280 px and at 390 px: each page fits, nothing scrolls sideways. Screenshots land in
``test-artifacts/client-portal/``."""

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
    """A client with a pending quote, an answered one, and payments of two invoices."""
    from client_portal.links import new_link
    from clients.models import Client
    from payment_requests.models import BillingSettings, Payment, PaymentRequest, TaxRate
    from payment_requests.services import create_request
    from payment_requests.services.lines import LineDraft
    from quotes.models import Quote
    from quotes.services import create_quote

    tenant = committed_account(django_db_blocker, "portalb", "Maple & Birch Design", "Iris Owner")
    with django_db_blocker.unblock(), schema_context(tenant.schema_name):
        BillingSettings.objects.update_or_create(
            pk=1, defaults={"brand_color": "#0f766e", "address": "12 Harbour Street\nHalifax NS"}
        )
        client = Client.objects.create(
            name="Nora Castellanos-Whitfield",
            company="Whitfield Architecture",
            email="nora@wa.test",
            address="400 Granville St\nVancouver BC",
        )
        gst = TaxRate.objects.create(name="GST", rate=Decimal("5"))
        quotes = []
        for number, (title, status) in enumerate(
            [("Office renovation – phase 1", "sent"), ("Signage", "declined")], start=1
        ):
            quote = create_quote(
                actor=owner_of(tenant),
                client=client,
                currency="EUR",
                valid_until=timezone.localdate() + timedelta(days=30),
                title=title,
                lines=[
                    LineDraft("Design and drawings for the whole floor", Decimal(12),
                              Decimal("95.00"), tax_rates=(gst,)),
                    LineDraft("Site visit", Decimal(1), Decimal("250.00")),
                ],
            )  # fmt: skip
            Quote.objects.filter(pk=quote.pk).update(
                status=status,
                number=f"Q-{number:05}",
                sent_at=timezone.now() - timedelta(days=number),
                decline_reason="We chose another supplier." if status == "declined" else "",
            )
            quotes.append(quote)
        for number, (description, method, reference) in enumerate(
            [("Website retainer – April", "bank_transfer", "VIR 2024-0412"),
             ("Photography", "cheque", "")], start=1
        ):  # fmt: skip
            item = create_request(
                actor=owner_of(tenant),
                description=description,
                client=client,
                amount=Decimal("1840.00"),
                currency="EUR",
                due_date=timezone.localdate() - timedelta(days=10),
            )
            PaymentRequest.objects.filter(pk=item.pk).update(
                status=PaymentRequest.Status.PAID,
                number=f"INV-{number:05}",
                sent_at=timezone.now() - timedelta(days=20),
                amount_paid=item.amount,
            )
            Payment.objects.create(
                request=item,
                source=Payment.Source.MANUAL,
                amount=item.amount,
                currency="EUR",
                method=method,
                reference=reference,
                paid_at=timezone.now() - timedelta(days=number),
            )
        links = {
            viewport["width"]: new_link(client, "/portal/quotes/", valid_for=timedelta(days=1))
            for viewport in VIEWPORTS
        }
    return tenant, links


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda viewport: str(viewport["width"]))
def test_quotes_payments_and_details_fit(browser, live_app, account, viewport):
    tenant, links = account
    width = viewport["width"]
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15000)
    page = context.new_page()

    page.goto(live_app.account_url(tenant, f"/portal/open/{links[width]}/"))
    expect(page.get_by_role("heading", name="Quotes")).to_be_visible()
    expect(page.get_by_text("Q-00002")).to_be_visible()
    fits_width(page, "the quotes", width)
    page.screenshot(path=f"{SHOTS}/quotes-{width}.png", full_page=True)

    page.get_by_role("link", name="Q-00001").click()
    expect(page.get_by_role("button", name="Approve (€1,447.00)")).to_be_visible()
    page.get_by_text("Decline", exact=True).click()
    expect(page.get_by_label("Why do you decline? (required)")).to_be_visible()
    fits_width(page, "the quote", width)
    page.screenshot(path=f"{SHOTS}/quote-{width}.png", full_page=True)

    page.get_by_role("navigation", name="Your portal").get_by_role("link", name="Payments").click()
    expect(page.get_by_text("VIR 2024-0412")).to_be_visible()
    fits_width(page, "the payments", width)
    page.screenshot(path=f"{SHOTS}/payments-{width}.png", full_page=True)

    page.get_by_role("link", name="Receipt").first.click()
    expect(page.get_by_role("heading", name="Payment receipt")).to_be_visible()
    expect(page.get_by_text("12 Harbour Street")).to_be_visible()
    fits_width(page, "the receipt", width)
    page.screenshot(path=f"{SHOTS}/receipt-{width}.png", full_page=True)

    page.get_by_role("link", name="Profile").click()
    page.get_by_label("Mobile").fill("12")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Enter a valid phone number")).to_be_visible()
    fits_width(page, "the details", width)
    page.screenshot(path=f"{SHOTS}/profile-{width}.png", full_page=True)
    context.close()
