"""Issue 18 in Chromium: a member opens a client's portal from the client's page (a new tab
with the banner), goes to Statements and downloads the PDF, at 1280 px and at 390 px; nothing
scrolls sideways. Screenshots (and the PDF's first page) land in
``test-artifacts/client-portal/``."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import committed_account, owner_of
from tests.e2e.helpers import fits_width
from tests.e2e.test_signup_and_team import sign_in

SHOTS = "test-artifacts/client-portal"
VIEWPORTS = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]


@pytest.fixture(scope="module")
def account(accounts, django_db_blocker):
    from clients.models import Client
    from payment_requests.models import Payment, PaymentRequest
    from payment_requests.services import create_request

    tenant = committed_account(django_db_blocker, "stmt", "Maple & Birch Design", "Iris Owner")
    with django_db_blocker.unblock(), schema_context(tenant.schema_name):
        client = Client.objects.create(name="Nora Castellanos-Whitfield", email="nora@wa.test")
        now = timezone.now()
        for number, (amount, sent_days_ago, due_in, paid) in enumerate(
            [("1840.00", 70, -40, "840.00"), ("2400.50", 5, 25, None)], start=1
        ):
            item = create_request(
                actor=owner_of(tenant),
                description=f"Design work {number}",
                client=client,
                amount=Decimal(amount),
                currency="EUR",
                due_date=timezone.localdate() + timedelta(days=due_in),
            )
            PaymentRequest.objects.filter(pk=item.pk).update(
                status=PaymentRequest.Status.SENT,
                number=f"INV-{number:05}",
                sent_at=now - timedelta(days=sent_days_ago),
            )
            if paid:
                Payment.objects.create(
                    request=item,
                    source=Payment.Source.MANUAL,
                    amount=Decimal(paid),
                    currency="EUR",
                    method=Payment.Method.BANK_TRANSFER,
                    paid_at=now - timedelta(days=1),
                )
    return tenant, client


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda viewport: str(viewport["width"]))
def test_a_member_opens_the_portal_and_downloads_a_statement(
    browser, live_app, account, viewport, tmp_path
):
    tenant, client = account
    width = viewport["width"]
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, live_app, tenant.host, tenant.owner_email)
    page.goto(live_app.account_url(tenant, f"/billing/clients/{client.pk}/"))

    with context.expect_page() as opened:
        page.get_by_role("button", name="Open the client's portal").click()
    portal = opened.value
    portal.wait_for_load_state()  # its stylesheet applied: measured before, the nav overflowed
    banner = portal.get_by_role("status")
    expect(banner).to_contain_text(
        "You are viewing Nora Castellanos-Whitfield's portal as Iris Owner."
    )
    fits_width(portal, "the portal with the banner", width)
    portal.screenshot(path=f"{SHOTS}/staff-banner-{width}.png", full_page=True)

    portal.get_by_role("link", name="Statements").click()
    expect(portal.get_by_role("heading", name="Statements")).to_be_visible()
    expect(portal.get_by_text("Closing balance")).to_be_visible()
    fits_width(portal, "the statements page", width)
    portal.screenshot(path=f"{SHOTS}/statements-{width}.png", full_page=True)

    with portal.expect_download() as download:
        portal.get_by_role("link", name="Download the statement (PDF)").click()
    pdf = tmp_path / "statement.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):  # the PDF's first page as an image, to look at
        image = f"{SHOTS}/statement-pdf-{width}"
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), image], check=True)

    portal.get_by_role("button", name="Sign out of it").click()
    expect(portal.get_by_role("heading", name="Sign in to your portal")).to_be_visible()
    context.close()
