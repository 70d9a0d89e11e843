"""The QuickBooks emulator's pay page speaks the browser's language, as Intuit's does, with
amounts and dates written as in that language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import requests
from django_tenants.utils import schema_context

from billing_saas.testing.quickbooks import connect_quickbooks
from connectors.base import ClientRef, InvoiceRequest, Money
from connectors.registry import platform_for


@pytest.fixture
def books(quickbooks_platform, alpha):
    connection = connect_quickbooks(quickbooks_platform, alpha)
    with schema_context(alpha.schema_name):
        yield platform_for(connection)


def send_invoice(books, local_id=1):
    return books.create_and_send_invoice(
        InvoiceRequest(
            local_id=local_id,
            idempotency_key=f"request:{local_id}:send:1",
            number=f"INV-{local_id:05d}",
            description="Bookkeeping – November",
            total=Money(Decimal("12345.67"), "EUR"),
            due_date=date(2030, 11, 26),
            client=ClientRef(local_id, "Dana Client", "dana@client.test", language="en"),
        )
    )


def visit(url, browser=None, card=None) -> str:
    headers = {"Accept-Language": browser} if browser else {}
    if card is None:
        return requests.get(url, headers=headers, timeout=5).text
    data = {"card": card, "exp": "12 / 34", "cvc": "123"}
    return requests.post(url, data=data, headers=headers, timeout=5).text


def test_the_pay_page_is_french_for_a_french_browser(books):
    url = send_invoice(books).pay_url
    page = visit(url, "fr-FR,fr;q=0.9,en;q=0.8")
    assert '<html lang="fr">' in page and "<title>Payer la facture</title>" in page
    assert "Émulateur QuickBooks · bac à sable" in page
    assert "Alpha Books · Facture INV-00001" in page
    assert "<p class='amount'>12\u202f345,67\u00a0€</p>" in page
    assert "Date d'échéance\u00a0: 26 novembre 2030" in page
    for label in ("Numéro de carte", "Date d'expiration (MM / AA)", "CVC"):
        assert f">{label}</label>" in page
    assert "<button>Payer maintenant</button>" in page
    assert not any(word in page for word in ("Pay now", "Card number", "Due ", "€12,345.67"))

    declined = visit(url, "fr-FR", "4000 0000 0000 0002")
    assert "<p class='error' role='alert'>Votre carte a été refusée.</p>" in declined
    assert "Vérifiez le numéro de carte." in visit(url, "fr-FR", "1234")

    paid = visit(url, "fr-FR", "4242 4242 4242 4242")  # redirected to the page, now paid
    assert "Cette facture est payée. Merci\u202f!" in paid and "<form" not in paid


def test_the_pay_page_is_english_otherwise(books):
    url = send_invoice(books).pay_url
    browsers = {
        None: "Due November 26, 2030",
        "en-US,en;q=0.9": "Due November 26, 2030",
        "de-DE,de;q=0.9": "Due November 26, 2030",
        "fr;q=0, en-GB": "Due 26 November 2030",  # British English writes the day first
    }
    for browser, due in browsers.items():
        page = visit(url, browser)
        assert '<html lang="en">' in page and "<button>Pay now</button>" in page
        assert "€12,345.67" in page and "Card number" in page and "Expiry (MM / YY)" in page
        assert due in page
    assert "Your card was declined." in visit(url, None, "4000000000000002")
    assert "This invoice is paid. Thank you!" in visit(url, None, "4242424242424242")


def test_the_browsers_preferred_language_wins_and_sets_the_locale(books):
    url = send_invoice(books).pay_url
    canadian = visit(url, "en;q=0.4, fr-CA;q=0.8")
    assert '<html lang="fr">' in canadian
    assert "12\u00a0345,67\u00a0€" in canadian  # fr_CA groups with U+00A0, fr_FR with U+202F


def test_the_consent_page_follows_the_providers_browser(quickbooks_platform):
    from emulators.quickbooks.server import CLIENT_ID

    url = (
        f"{quickbooks_platform.url}/connect/oauth2?client_id={CLIENT_ID}"
        "&scope=com.intuit.quickbooks.accounting&redirect_uri=https://x.test/cb"
    )
    french = visit(url, "fr-FR")
    assert "Se connecter à QuickBooks" in french and ">Annuler</button>" in french
    assert "Connect to QuickBooks" in visit(url)
