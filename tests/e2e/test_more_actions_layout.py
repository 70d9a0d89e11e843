"""Issue 18, staff side, in Chromium: an invoice's *More actions* at 390 and 1280 px, its
*Mark paid* form whole inside the panel, and a payment recorded from it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import fits_width
from tests.e2e.test_phone_and_layout import (  # noqa: F401 - the fixtures
    DESKTOP,
    PHONE,
    SHOTS,
    billing_account,
    box,
    dashboard,
    signed_in,
)


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["1280", "390"])
def test_more_actions_opens_the_mark_paid_form_whole_and_records_a_payment(
    signed_in,  # noqa: F811
    live_app,
    billing_account,  # noqa: F811
    width,
):
    page = signed_in(width)
    dashboard(page, live_app, billing_account)
    page.locator("[data-request]", has_text="Photography day rate").locator(
        ".requests__open"
    ).click()
    panel = page.get_by_role("complementary", name="Payment request details")
    panel.locator("summary", has_text="More actions").click()
    menu = panel.get_by_role("group", name="More actions")
    expect(menu.get_by_role("button", name="Email invoice")).to_be_visible()
    menu.locator("summary", has_text="Mark paid").click()
    form = panel.get_by_role("dialog", name="Mark paid")
    # All that is due (2,400.00 at first; the other width's run paid 400 of it).
    due = Decimal(form.get_by_label("Amount received (USD)").input_value())
    assert due in (Decimal("2400.00"), Decimal("2000.00"))
    inside, outside = box(panel), box(form)
    assert inside["x"] <= outside["x"]
    assert outside["x"] + outside["width"] <= inside["x"] + inside["width"]
    fits_width(page, "the panel with Mark paid open", width["width"])
    form.get_by_role("button", name="Record the payment").scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}-{width['width']}-more-actions-mark-paid.png")

    form.get_by_label("Amount received (USD)").fill("400")
    form.get_by_label("Method").select_option(label="Cheque")
    form.get_by_label("Reference").fill("CHQ 0042")
    form.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text("Payment recorded.")).to_be_visible()
    panel = page.get_by_role("complementary", name="Payment request details")
    expect(panel.locator("[data-payment]").last).to_contain_text("CHQ 0042")
    expect(panel.locator("dt:text-is('Balance due') + dd")).to_contain_text(f"{due - 400:,}")
    page.screenshot(path=f"{SHOTS}-{width['width']}-more-actions-paid-part.png")
