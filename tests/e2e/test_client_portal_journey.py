"""Issue 18's journey in Chromium: the owner emails an invoice; the client opens the email's
portal link, lands on that invoice signed in, pays it with 4242 on the Stripe emulator, finds
the payment in its history, approves a pending quote and pays the invoice it becomes, then
downloads a statement whose text, read back from the PDF, shows the right balances.
Screenshots land in ``test-artifacts/client-portal-journey/``."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect
from pypdf import PdfReader

from billing_saas.testing.fixtures import committed_account, owner_of
from billing_saas.testing.polling import wait_until
from billing_saas.testing.stripe import connect_stripe
from emulators.stripe.server import app_settings as stripe_settings
from notifications.models import OutboxMessage
from tests.e2e.helpers import fits_width, pay_on_checkout
from tests.e2e.test_client_billing_flow import PAID_WAIT
from tests.e2e.test_signup_and_team import sign_in

SHOTS = "test-artifacts/client-portal-journey"
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
ANN = "ann@portal-journey.test"
PORTAL_LINK = re.compile(r"http://\S+/portal/open/[^/\s]+/")


@pytest.fixture(scope="module")
def account(accounts, stripe_emulator, django_db_blocker):
    """Committed (the server sees it), connected to Stripe. Ann has an old invoice handed over
    by hand and still unpaid, a pending quote, and a draft invoice the owner will email."""
    from clients.models import Client
    from payment_requests.models import PaymentRequest
    from payment_requests.services import create_request
    from payment_requests.services.lines import LineDraft
    from payment_requests.services.manual import mark_sent
    from quotes.services import create_quote
    from quotes.services.sending import send_quote

    tenant = committed_account(django_db_blocker, "portaljourney", "Atelier Lune", "Lea Owner")
    with django_db_blocker.unblock(), override_settings(**stripe_settings(stripe_emulator.url)):
        owner = owner_of(tenant)
        connect_stripe(stripe_emulator, tenant, business_name="Atelier Lune")
        with schema_context(tenant.schema_name):
            ann = Client.objects.create(name="Ann Lee", email=ANN)
            today = timezone.localdate(timezone.now(), tenant.tzinfo)
            old = create_request(
                actor=owner, description="Consultation", client=ann, amount=Decimal("80.00"),
                currency="EUR", due_date=today,
            )  # fmt: skip
            mark_sent(old.pk, actor=owner)
            # Handed over 45 days ago, due 35 days ago: 31–60 days past due on the statement.
            PaymentRequest.objects.filter(pk=old.pk).update(
                sent_at=timezone.now() - timedelta(days=45), due_date=today - timedelta(days=35)
            )
            quote = create_quote(
                actor=owner, client=ann, currency="EUR", title="Logo design",
                valid_until=today + timedelta(days=30),
                lines=[LineDraft("Logo, three proposals", Decimal(1), Decimal("300.00"))],
            )  # fmt: skip
            send_quote(quote.pk, actor=owner)
            create_request(
                actor=owner, description="Website audit", client=ann, amount=Decimal("120.00"),
                currency="EUR", due_date=today + timedelta(days=14),
            )  # fmt: skip
        connection.set_schema_to_public()
    return tenant


def newest_portal_link(account, subject_words: str) -> str | None:
    with schema_context(account.schema_name):
        mail = (
            OutboxMessage.objects.filter(to__contains=[ANN], subject__icontains=subject_words)
            .order_by("-created_at")
            .first()
        )
    found = mail and PORTAL_LINK.search(mail.body_text)
    return found.group(0) if found else None


def statuses(account) -> list[str]:
    from payment_requests.models import PaymentRequest

    with schema_context(account.schema_name):
        return sorted(PaymentRequest.objects.values_list("status", flat=True))


def both_widths(page, name: str) -> None:
    for viewport in (NARROW, WIDE):
        page.set_viewport_size(viewport)
        fits_width(page, name, viewport["width"])
        # Every section's tab in sight (on a phone they wrap; none hides off the edge).
        right = page.evaluate(
            "Math.max(...[...document.querySelectorAll('.portal-nav a')]"
            ".map(tab => tab.getBoundingClientRect().right))"
        )
        assert right <= viewport["width"], f"a tab of {name} is off the screen"
        page.screenshot(path=f"{SHOTS}/{name}-{viewport['width']}.png", full_page=True)


def test_client_pays_from_the_email_approves_a_quote_and_reads_its_statement(
    browser, live_app, account
):
    staff = browser.new_context(viewport=WIDE)
    staff.set_default_timeout(15000)
    page = staff.new_page()
    sign_in(page, live_app, account.host, account.owner_email)

    # The owner emails the draft from its More actions: sent through Stripe, numbered.
    page.goto(live_app.account_url(account, "/billing/"))
    page.locator("[data-request]", has_text="Website audit").locator(".requests__open").click()
    panel = page.get_by_role("complementary", name="Payment request details")
    panel.locator("summary", has_text="More actions").click()
    panel.get_by_role("group", name="More actions").get_by_role(
        "button", name="Email invoice"
    ).click()
    expect(page.get_by_role("status")).to_contain_text(f"Invoice sent to {ANN}")
    row = page.locator("[data-request]", has_text="Website audit")
    number = re.search(r"INV-\d+", row.inner_text())[0]

    # The client opens the email's portal link: signed in, on that invoice.
    link = wait_until(lambda: newest_portal_link(account, number), bool, timeout=30)
    client = browser.new_context(viewport=NARROW)
    client.set_default_timeout(15000)
    portal = client.new_page()
    portal.goto(link)
    expect(portal.get_by_role("heading", name=number)).to_be_visible()
    expect(portal.get_by_role("banner").get_by_role("link", name="Atelier Lune")).to_be_visible()
    both_widths(portal, "invoice")

    # Pay €120.00 with 4242 on the platform's page.
    portal.get_by_role("link", name="Pay €120.00").click()
    pay_on_checkout(portal)
    expect(portal.get_by_text("Thank you!")).to_be_visible()
    assert wait_until(lambda: statuses(account).count("paid") == 1, bool, timeout=PAID_WAIT)

    # Its payment, in the history.
    portal.goto(live_app.account_url(account, "/portal/payments/"))
    payment = portal.locator("tr", has_text=number)
    expect(payment).to_contain_text("€120.00")
    both_widths(portal, "payments")

    # The pending quote: approved in one click, it becomes an invoice paid at once.
    portal.get_by_role("navigation", name="Your portal").get_by_role("link", name="Quotes").click()
    portal.get_by_role("link", name=re.compile(r"Q-\d+")).first.click()
    expect(portal.get_by_text("Logo, three proposals")).to_be_visible()
    both_widths(portal, "quote")
    portal.get_by_role("button", name="Approve (€300.00)").click()
    pay_on_checkout(portal)
    expect(portal.get_by_text("Thank you!")).to_be_visible()
    assert wait_until(lambda: statuses(account).count("paid") == 2, bool, timeout=PAID_WAIT)

    # The statement of the last two months: €500.00 billed, €420.00 received, €80.00 owed,
    # 31–60 days past due: read back from the PDF.
    today = timezone.localdate(timezone.now(), account.tzinfo)
    start = (today - timedelta(days=60)).isoformat()
    portal.goto(live_app.account_url(account, f"/portal/statements/?from={start}&to={today}"))
    expect(portal.get_by_role("row", name=re.compile("Closing balance"))).to_contain_text("€80.00")
    both_widths(portal, "statement")
    href = portal.get_by_role("link", name="Download the statement (PDF)").get_attribute("href")
    # Fetched by the page itself (its cookie, its host), as the download link would be.
    pdf = portal.evaluate(
        """async (href) => {
            const response = await fetch(href);
            const bytes = new Uint8Array(await response.arrayBuffer());
            return {type: response.headers.get("content-type"), bytes: Array.from(bytes)};
        }""",
        href,
    )
    assert pdf["type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(bytes(pdf["bytes"])))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text)
    assert f"Invoice {number} €120.00" in text, text
    assert f"Payment · {number} · Visa •••• 4242 €120.00" in text, text  # which invoice it paid
    assert "Opening balance €0.00 Invoiced €500.00 Received €420.00 Closing balance €80.00" in text
    # The ageing row, in its columns' order: only the €80.00 due 35 days ago is unpaid.
    assert "Over 90 days €0.00 €0.00 €80.00 €0.00 €0.00" in text, text
    client.close()
    staff.close()
