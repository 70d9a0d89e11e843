"""Issue 12 in Chromium: the client filter and the request form find a client by typing
(the page never lists every client), at 1280 and at 390 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_phone_and_layout import (
    DESKTOP,
    PHONE,
    billing_account,  # noqa: F401 - the module's fixture, reused
    dashboard,
    signed_in,  # noqa: F401
)

SHOTS = "test-artifacts/client-picker"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_typing_part_of_a_name_picks_the_client_and_filters_the_list(
    signed_in,  # noqa: F811
    live_app,
    billing_account,  # noqa: F811
    viewport,
):
    page = signed_in(viewport)
    dashboard(page, live_app, billing_account)
    width = viewport["width"]
    if width < 800:
        page.locator(".filters-toggle summary").click()
    field = page.get_by_label("Client", exact=True)
    expect(page.locator("#filter_client_suggestions li")).to_have_count(0)
    field.fill("okaf")
    option = page.get_by_role("option").get_by_role("button", name=re.compile("Dee Okafor"))
    expect(option).to_be_visible()
    expect(page.locator("#filter_client_suggestions button")).to_have_count(1)  # Dee only
    expect(field).to_have_attribute("aria-expanded", "true")
    page.screenshot(path=f"{SHOTS}-{width}-suggestions.png", full_page=True)
    option.click()

    expect(page).to_have_url(re.compile(r"client=\d+"))
    rows = page.locator("tr[data-request]")
    expect(rows).to_have_count(2)
    for index in range(rows.count()):
        expect(rows.nth(index).locator(".requests__client a")).to_have_text("Dee Okafor")
    if width < 800:
        page.locator(".filters-toggle summary").click()
    expect(page.get_by_label("Client", exact=True)).to_have_value("Dee Okafor")
    page.screenshot(path=f"{SHOTS}-{width}-filtered.png", full_page=True)


def test_the_request_form_picks_an_existing_client_by_typing(
    signed_in,  # noqa: F811
    live_app,
    billing_account,  # noqa: F811
):
    page = signed_in(DESKTOP)
    page.goto(live_app.account_url(billing_account, "/billing/requests/new/"))
    page.get_by_label("Description").fill("Moodboard review")
    field = page.get_by_label("Client", exact=True)
    field.fill("lind")
    focused = page.get_by_role("option").get_by_role("button", name=re.compile("Carl"))
    expect(focused).to_be_visible()
    field.press("ArrowDown")  # into the suggestions with the keyboard
    expect(focused).to_be_focused()
    focused.press("Enter")
    expect(field).to_have_value("Carl Lindqvist (Lindqvist & Daughters)")
    page.get_by_label("Unit price").fill("90")
    page.screenshot(path=f"{SHOTS}-1280-form.png", full_page=True)
    page.get_by_role("button", name="Save as draft").click()
    panel = page.locator("#panel")
    expect(panel).to_contain_text("Moodboard review")
    expect(panel).to_contain_text("Carl Lindqvist")
