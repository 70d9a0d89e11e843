"""The request form's lines in Chromium: "Add a line" adds one without a reload, three lines
with Quebec taxes save the right total, and the lines fit at 1280 px and at 390 px (their
fields stack). Screenshots land in ``test-artifacts/lines/``."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from billing_saas.testing.fixtures import committed_account
from tests.e2e.test_signup_and_team import sign_in

SHOTS = "test-artifacts/lines"


@pytest.fixture(scope="module")
def account(accounts, django_db_blocker):
    from clients.models import Client
    from payment_requests.models import TaxRate

    tenant = committed_account(django_db_blocker, "lines", "Lines Studio", "Lina Owner")
    with django_db_blocker.unblock(), schema_context(tenant.schema_name):
        Client.objects.create(name="Carl Client", email="carl@client.test")
        TaxRate.objects.create(name="GST", rate=Decimal("5"))
        TaxRate.objects.create(name="QST", rate=Decimal("9.975"))
    return tenant


def fill_line(page, index, item, quantity, price, discount="", taxes=()):
    line = page.locator("[data-line]").nth(index)
    line.get_by_label("Item").fill(item)
    line.get_by_label("Quantity").fill(quantity)
    line.get_by_label("Unit price").fill(price)
    line.get_by_label("Discount").fill(discount)
    for tax in taxes:
        line.get_by_role("checkbox", name=re.compile(tax)).check()


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
)
def test_three_lines_fit_and_add_up(browser, live_app, account, viewport):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, live_app, account.host, account.owner_email)
    page.goto(live_app.account_url(account, "/billing/requests/new/"))
    page.get_by_label("Description").fill(f"November work {viewport['width']}")
    page.get_by_label("Client", exact=True).fill("carl")
    page.get_by_role("option").get_by_role("button", name=re.compile("Carl Client")).click()
    page.get_by_label("Currency").select_option("CAD")

    fill_line(page, 0, "Design", "1.5", "80", taxes=("GST", "QST"))
    for _ in range(2):
        page.get_by_role("button", name="Add a line").click()  # no reload: the script adds it
    expect(page.locator("[data-line]")).to_have_count(3)
    fill_line(page, 1, "Hosting", "3", "25", "5", taxes=("GST", "QST"))
    fill_line(page, 2, "Training", "1", "40")
    page.get_by_role("button", name="Recalculate totals").click()
    expect(page.locator(".doc-totals")).to_contain_text("CA$258.45")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], "the form scrolls sideways"
    page.screenshot(path=f"{SHOTS}/form-three-lines-{viewport['width']}.png", full_page=True)

    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.locator(".side-panel .doc-totals")).to_contain_text("CA$258.45")
    page.screenshot(path=f"{SHOTS}/panel-three-lines-{viewport['width']}.png", full_page=True)
    context.close()


@pytest.fixture(scope="module")
def refunded_document(account, django_db_blocker):
    """A taxed document paid, then partly refunded (the platforms' part is tested elsewhere:
    here, only how it looks)."""
    from django.utils import timezone

    from billing_saas.testing.fixtures import owner_of
    from clients.models import Client
    from payment_requests import services
    from payment_requests.models import PaymentRequest, TaxRate
    from payment_requests.services.lines import LineDraft

    with django_db_blocker.unblock(), schema_context(account.schema_name):
        gst, qst = TaxRate.objects.order_by("name")
        draft = services.create_request(
            actor=owner_of(account),
            description="October work",
            client=Client.objects.get(email="carl@client.test"),
            currency="CAD",
            due_date=timezone.localdate(),
            lines=[
                LineDraft("Design", Decimal("1.5"), Decimal("80"), None, (gst, qst)),
                LineDraft("Training", Decimal("1"), Decimal("40")),
            ],
        )
        PaymentRequest.objects.filter(pk=draft.pk).update(
            status=PaymentRequest.Status.PARTIALLY_REFUNDED,
            number="INV-09001",
            amount_paid=draft.amount,
            amount_refunded=Decimal("50.00"),
            paid_at=timezone.now(),
        )
    return draft


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
)
def test_a_refunded_document_and_the_tax_rates_page_fit(
    browser, live_app, account, refunded_document, viewport
):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, live_app, account.host, account.owner_email)
    shots = [
        (f"/billing/?open={refunded_document.pk}", "panel-refunded", ".side-panel",
         "Partially refunded"),
        ("/billing/settings/taxes/", "tax-rates", "main", "QST"),
        ("/settings/email/", "email-settings", "main", "SMTP"),
    ]  # fmt: skip
    for path, name, where, shown in shots:
        page.goto(live_app.account_url(account, path))
        expect(page.locator(where).get_by_text(shown).first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name} scrolls sideways"
        cut = page.evaluate(
            "[...document.querySelectorAll('.table-wrap')]"
            ".filter(wrap => wrap.scrollWidth > wrap.clientWidth).length"
        )
        assert not cut, f"a table of {name} is cut off"
        page.screenshot(path=f"{SHOTS}/{name}-{viewport['width']}.png", full_page=True)
    context.close()
