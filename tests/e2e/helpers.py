"""Steps several browser tests take the same way: a page's fit at a width, and a client
paying on the Stripe emulator's checkout."""

from __future__ import annotations

from playwright.sync_api import Page


def fits_width(page: Page, name: str, width: int) -> None:
    """Nothing on the page scrolls sideways at this width, and no table is cut off. Measured
    once the page has loaded: before its stylesheets apply, anything may overflow."""
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls"
    cut = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')]"
        ".filter(wrap => wrap.scrollWidth > wrap.clientWidth).length"
    )
    assert not cut, f"a table of {name} is cut off"


def pay_with_card(page: Page, number: str = "4242 4242 4242 4242") -> None:
    """From a pay page: Pay now, then this test card on the Stripe emulator's checkout,
    submitted. What the client sees next (thanks, or a declined card) is the caller's to check."""
    page.get_by_role("link", name="Pay now").click()
    pay_on_checkout(page, number)


def pay_on_checkout(page: Page, number: str = "4242 4242 4242 4242") -> None:
    """On the Stripe emulator's checkout: this test card, submitted."""
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry (MM / YY)").fill("12 / 34")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Pay invoice").click()
