"""The emulator's pages in English and French, as Stripe chooses: the customer's
``preferred_locales`` (invoices), the session's ``locale`` (Checkout), else the browser's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import requests
from django_tenants.utils import schema_context

from billing_saas.testing.stripe import connect_stripe
from connectors.base import ClientRef, InvoiceRequest, Money
from connectors.registry import platform_for
from emulators.stripe.server import CLIENT_ID, TEST_SECRET_KEY

DUE = date(2030, 11, 26)


@pytest.fixture
def platform(stripe_platform, alpha):
    stripe_platform.sender.paused = True
    connection = connect_stripe(stripe_platform, alpha)
    with schema_context(alpha.schema_name):
        yield platform_for(connection)


def request_for(amount="12345.67", currency="EUR", language="", local_id=1):
    return InvoiceRequest(
        local_id,
        f"request:{local_id}:send:1:{language}:{currency}",
        "",
        "Haircut and colour",
        Money(Decimal(amount), currency),
        DUE,
        ClientRef(local_id, "Cy", f"cy-{language or 'none'}@client.test", language=language),
    )


def page(url, browser=None) -> str:
    headers = {"Accept-Language": browser} if browser else {}
    return requests.get(url, headers=headers, timeout=5).text


def new_session(emulator, platform, **extra):
    """POST /v1/checkout/sessions straight to the emulator, as the SDK would."""
    data = {
        "mode": "payment",
        "success_url": "https://studio.test/thanks",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "1900",
        "line_items[0][price_data][product_data][name]": "Haircut",
        **extra,
    }
    return requests.post(
        emulator.url + "/v1/checkout/sessions",
        data=data,
        headers={
            "Authorization": f"Bearer {TEST_SECRET_KEY}",
            "Stripe-Account": platform.account_id,
        },
        timeout=5,
    )


def test_an_unknown_checkout_locale_is_refused_naming_the_param(stripe_platform, platform):
    answer = new_session(stripe_platform, platform, locale="xx")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == "locale"
    assert "fr-CA" in error["message"]  # it lists what Stripe accepts
    for accepted in ("auto", "fr", "fr-CA", "en-GB", "de"):
        session = new_session(stripe_platform, platform, locale=accepted)
        assert session.status_code == 200 and session.json()["locale"] == accepted


def test_auto_or_no_checkout_locale_follows_the_browser(stripe_platform, platform):
    for extra in ({"locale": "auto"}, {}):
        url = new_session(stripe_platform, platform, **extra).json()["url"]
        french = page(url, "fr-FR,fr;q=0.9,en;q=0.8")
        assert '<html lang="fr">' in french and "19,00\u00a0€" in french
        assert '<button type="submit">Payer</button>' in french
        # The first language the emulator writes, by preference; else English.
        assert '<html lang="fr">' in page(url, "de-DE,en;q=0.5,fr;q=0.7")
        for english in (page(url), page(url, "de-DE,de;q=0.9"), page(url, "en-US,fr;q=0.1")):
            assert '<html lang="en">' in english and "€19.00" in english


def test_a_session_locale_beats_the_browser_and_sets_the_amounts_locale(stripe_platform, platform):
    canadian = new_session(stripe_platform, platform, locale="fr-CA").json()["url"]
    text = page(canadian, "en-US")
    assert '<html lang="fr">' in text and "19,00\u00a0€" in text and "Numéro de carte" in text
    english = new_session(stripe_platform, platform, locale="en").json()["url"]
    assert "€19.00" in page(english, "fr-FR") and "Card number" in page(english, "fr-FR")


def test_zero_decimal_currencies_have_no_decimals(platform):
    english = platform.create_payment_link(
        request_for("12346", "JPY", "en"), "https://studio.test/t", "https://studio.test/c"
    )
    assert "¥12,346" in page(english.url)
    french = platform.create_payment_link(
        request_for("12346", "JPY", "fr", local_id=2),
        "https://studio.test/t",
        "https://studio.test/c",
    )
    assert "12\u202f346\u00a0JPY" in page(french.url)


def test_the_invoice_page_follows_the_customers_locales_then_the_browser(platform):
    french = platform.create_and_send_invoice(request_for(language="fr"))
    text = page(french.pay_url, "en-US")
    assert "12\u202f345,67\u00a0€" in text and "<dd>26 novembre 2030</dd>" in text
    assert "<title>Payer la facture</title>" in text
    unknown = platform.create_and_send_invoice(request_for(local_id=2))  # no language
    assert "<dd>26 novembre 2030</dd>" in page(unknown.pay_url, "fr-CH,fr;q=0.9")
    english = page(unknown.pay_url)
    assert "<dd>November 26, 2030</dd>" in english and "€12,345.67" in english


def test_a_voided_or_expired_invoice_link_says_so_in_french(stripe_platform, platform):
    remote = platform.create_and_send_invoice(request_for(language="fr"))
    platform.void(remote.remote_id)
    assert "Cette facture a été annulée et ne peut plus être payée." in page(remote.pay_url)
    expired = requests.get(remote.pay_url.split("?s=")[0] + "?s=1.x", timeout=5)
    assert expired.status_code == 410 and "Ce lien vers la facture a expiré" in expired.text


def test_the_customer_takes_preferred_locales_on_create_and_update(stripe_platform, platform):
    customer_id = platform.ensure_customer(ClientRef(7, "Cy", "cy7@client.test", language="fr"))
    customers = stripe_platform.state.accounts[platform.account_id].objects
    assert customers[customer_id]["preferred_locales"] == ["fr"]
    again = platform.ensure_customer(ClientRef(7, "Cy", "cy7@client.test", customer_id, "en"))
    assert again == customer_id and customers[customer_id]["preferred_locales"] == ["en"]


def test_the_providers_pages_follow_their_browser(stripe_platform, platform):
    consent = (
        f"{stripe_platform.url}/oauth/authorize?client_id={CLIENT_ID}"
        "&redirect_uri=https://x.test/cb"
    )
    french = page(consent, "fr-FR")
    assert "Connectez votre compte Stripe" in french and "Refuser l'accès" in french
    assert "Connect your Stripe account" in page(consent)
    link = stripe_platform.state.create_account_link(
        {
            "account": platform.account_id,
            "refresh_url": "https://x.test/r",
            "return_url": "https://x.test/b",
        }
    )
    onboarding = page(link["url"], "fr")
    assert "Activez votre compte Stripe" in onboarding and "Accepter et envoyer" in onboarding
    assert "Pays\u00a0: États-Unis." in onboarding  # the emulator's accounts are in the US
