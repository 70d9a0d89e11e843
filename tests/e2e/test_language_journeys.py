"""A French-speaking owner and client use the whole product in French, and an English-speaking
pair in English: sign-up → install → request → the client's email → pay → Paid.

Labels are looked up in the catalogue (``say``), so the journey reads each page as its
reader does; every page is also searched for a line left in English (``english_left_on``).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from billing_saas.testing.fixtures import PASSWORD
from billing_saas.testing.polling import wait_until
from tests.e2e.test_client_billing_flow import PAID_WAIT, emailed_link, emails
from tests.e2e.test_signup_and_team import unique

BROWSER_LOCALES = {"fr": "fr-FR", "en": "en-US"}
# What the Stripe emulator's pages say (Stripe's own wording, not our catalogue).
STRIPE = {
    "fr": {
        "card": "Numéro de carte",
        "expiry": "Date d'expiration (MM / AA)",
        "pay": "Payer la facture",
        "thanks": "Merci",
        "connect": "Connecter mon compte Stripe",
    },
    "en": {
        "card": "Card number",
        "expiry": "Expiry (MM / YY)",
        "pay": "Pay invoice",
        "thanks": "Thank you!",
        "connect": "Connect my Stripe account",
    },
}
AMOUNT_TYPED = {"fr": "1250,50", "en": "1250.50"}
AMOUNT_SHOWN = {"fr": "1\u202f250,50\u00a0€", "en": "€1,250.50"}


def say(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


def english_left_on(page, language: str) -> list[str]:
    """Lines of the page that are a sentence of our English catalogue, on a French page."""
    if language != "fr":
        return []
    from billing_saas.tests.test_translations import CATALOGUE, _catalogue

    english = {
        message.id
        for message in _catalogue(CATALOGUE)
        if isinstance(message.id, str)
        and message.string != message.id
        and "%" not in message.id
        and len(message.id) > 3
    }
    # Text marked as another language (the language switcher's "English") is not a leftover.
    text = page.evaluate(
        """() => {
            const others = [...document.querySelectorAll('body [lang]')]
                .filter(element => element.lang !== document.documentElement.lang);
            const shown = others.map(element => element.style.display);
            others.forEach(element => { element.style.display = 'none'; });
            const text = document.body.innerText;
            others.forEach((element, i) => { element.style.display = shown[i]; });
            return text;
        }"""
    )
    lines = [line.strip() for line in text.splitlines()]
    return [line for line in lines if line in english]


def looked_at(page, language: str, name: str) -> None:
    """Screenshots at 1280 and 390 px; no English left, and nothing wider than a phone."""
    page.screenshot(path=f"test-artifacts/journey-{language}-{name}.png", full_page=True)
    assert english_left_on(page, language) == [], name
    wide = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(400)  # the menu slides away when the window narrows
    try:
        page.screenshot(path=f"test-artifacts/journey-{language}-{name}-390.png", full_page=True)
        overflow = page.evaluate("document.scrollingElement.scrollWidth")
        assert overflow <= 390, f"{name}: {overflow} px wide at 390"
    finally:
        page.set_viewport_size(wide)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_provider_and_its_client_use_the_product_in_their_language(browser, live_app, language):
    def t(msgid: str) -> str:
        return say(language, msgid)

    context = browser.new_context(
        locale=BROWSER_LOCALES[language], viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    slug = unique(f"lang{language}")

    # Sign-up, in the browser's language.
    page.goto(live_app.url(path="/"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_role("link", name=t("Create your account")).click()
    page.get_by_label(t("Company name")).fill("Atelier Lumière")
    page.get_by_label(t("Subdomain")).fill(slug)
    page.get_by_label(t("Your name")).fill("Léa Martin")
    page.get_by_label(t("Work email")).fill(f"lea@{slug}.example")
    page.get_by_label(t("Password")).fill(PASSWORD)
    looked_at(page, language, "1-sign-up")
    page.get_by_role("button", name=t("Create account")).click()
    expect(page.get_by_role("heading", name=re.compile("Léa Martin"))).to_be_visible()
    looked_at(page, language, "2-home")

    # Install Client Billing from the catalog, connecting Stripe.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name=t("Catalog")).click()
    catalog = opened.value
    catalog.get_by_role("link", name=re.compile(t("Client Billing"))).click()
    looked_at(catalog, language, "3-catalog")
    catalog.get_by_role("link", name=t("Install")).click()
    catalog.get_by_role("link", name=t("Continue")).click()
    catalog.get_by_label("Stripe").check()
    catalog.get_by_role("button", name=t("Continue")).click()
    catalog.get_by_role(
        "button", name=t("New connection: connect an existing Stripe account")
    ).click()
    catalog.get_by_role("button", name=STRIPE[language]["connect"]).click()
    catalog.get_by_role("button", name=t("Use this connection")).click()
    looked_at(catalog, language, "4-wizard")
    catalog.get_by_role("button", name=t("Install")).click()
    installed = t("%(name)s is installed.") % {"name": t("Client Billing")}
    expect(catalog.get_by_text(installed)).to_be_visible(timeout=20_000)
    catalog.get_by_role("link", name=t("Take me there")).click()
    billing = catalog
    looked_at(billing, language, "5-dashboard-empty")

    # A payment request to a new client, the amount typed as the reader types it.
    billing.get_by_role("link", name=t("Create a payment request")).click()
    billing.get_by_label(t("Description")).fill("Conseil – juin")
    billing.get_by_label(t("New client's name")).fill("Carl Client")
    billing.get_by_label(t("New client's email")).fill(f"carl@{slug}.test")
    billing.get_by_label(t("Unit price")).fill(AMOUNT_TYPED[language])
    due = timezone.localdate() + timedelta(days=7)
    billing.get_by_label(t("Due date")).fill(due.isoformat())
    looked_at(billing, language, "6-new-request")
    billing.get_by_role("button", name=t("Send payment request")).click()
    row = billing.locator("tr[data-request]").first
    expect(row).to_contain_text(AMOUNT_SHOWN[language])
    looked_at(billing, language, "7-dashboard-sent")

    # The client's email speaks the account's language (the client has none of its own).
    (request_email,) = wait_until(
        lambda: emails(slug, "INV-"), lambda found: len(found) == 1, timeout=10
    )
    assert t("View and pay") in request_email.body_text
    assert AMOUNT_SHOWN[language] in request_email.body_text

    # The client, in its own browser, opens the link and pays on Stripe's page.
    client = browser.new_context(locale=BROWSER_LOCALES[language]).new_page()
    client.goto(emailed_link(slug, f"carl@{slug}.test"))
    expect(client.locator("html")).to_have_attribute("lang", language)
    expect(client.get_by_text(AMOUNT_SHOWN[language]).first).to_be_visible()
    looked_at(client, language, "8-client-link")
    client.get_by_role("link", name=t("Pay now")).click()
    expect(client.locator("html")).to_have_attribute("lang", language)
    client.get_by_label(STRIPE[language]["card"]).fill("4242 4242 4242 4242")
    client.get_by_label(STRIPE[language]["expiry"]).fill("12 / 34")
    client.get_by_label("CVC").fill("123")
    client.screenshot(path=f"test-artifacts/journey-{language}-9-stripe.png", full_page=True)
    client.get_by_role("button", name=STRIPE[language]["pay"]).click()
    expect(client.get_by_text(STRIPE[language]["thanks"])).to_be_visible()

    # Paid on the dashboard, never reloaded; the receipt in the client's language.
    expect(row).to_contain_text(t("Paid"), timeout=PAID_WAIT)
    looked_at(billing, language, "10-dashboard-paid")
    receipts = wait_until(
        lambda: [m for m in emails(slug, "") if m.to == [f"carl@{slug}.test"]],
        lambda found: len(found) == 2,
        timeout=PAID_WAIT / 1000,
    )
    assert AMOUNT_SHOWN[language] in receipts[-1].body_text
    context.close()
