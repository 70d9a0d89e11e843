"""A client reads Stripe's pages in its own language: the request carries it to Stripe (the
customer's ``preferred_locales``, Checkout's ``locale``) and the emulator's pages speak it,
with amounts and dates written as in that language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
from django_tenants.utils import schema_context

from clients.models import Client
from payment_requests.tests.conftest import make_request, send

SUCCESS_CARD = "4242 4242 4242 4242"
DECLINE_CARD = "4000 0000 0000 0002"
MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "en": "January February March April May June July August September October November December",
}
# What each page must say, written out by hand (not computed with Babel): the amount is
# 12,345.67 EUR; French separates thousands with U+202F and puts U+00A0 before the symbol.
SAYS = {
    "fr": {
        "lang": '<html lang="fr">',
        "badge": "Émulateur Stripe · données de test",
        "amount": "12\u202f345,67\u00a0€",
        "invoice_title": "<title>Payer la facture</title>",
        "invoice_button": '<button type="submit">Payer la facture</button>',
        "labels": ("Numéro de carte", "Date d'expiration (MM / AA)", "Nom sur la carte"),
        "due": "<dt>Échéance</dt>",
        "declined": '<p class="error" role="alert">Votre carte a été refusée.</p>',
        "paid": "Payée le {date}. Merci\u202f!",
        "checkout_title": "<title>Paiement</title>",
        "checkout_button": '<button type="submit">Payer</button>',
        "cancel": ">Annuler et revenir</a>",
        "number": "Facture {number}",
        "other_browser": "en-US,en;q=0.9",
        "foreign": ("Pay invoice", "Card number", "Thank you", "declined", "€12,345.67"),
    },
    "en": {
        "lang": '<html lang="en">',
        "badge": "Stripe emulator · test data",
        "amount": "€12,345.67",
        "invoice_title": "<title>Pay invoice</title>",
        "invoice_button": '<button type="submit">Pay invoice</button>',
        "labels": ("Card number", "Expiry (MM / YY)", "Name on card"),
        "due": "<dt>Due</dt>",
        "declined": '<p class="error" role="alert">Your card was declined.</p>',
        "paid": "Paid on {date}. Thank you!",
        "checkout_title": "<title>Checkout</title>",
        "checkout_button": '<button type="submit">Pay</button>',
        "cancel": ">Cancel and go back</a>",
        "number": "Invoice {number}",
        "other_browser": "fr-FR,fr;q=0.9",
        "foreign": ("Payer", "Numéro de carte", "Merci", "refusée", "345,67"),
    },
}


def long_date(day, language: str) -> str:
    """ "26 novembre 2026" / "November 26, 2026", as each language writes a date in full."""
    month = MONTHS[language].split()[day.month - 1]
    if language == "fr":
        return f"{day.day} {month} {day.year}"
    return f"{month} {day.day}, {day.year}"


def client_speaking(tenant, language: str) -> Client:
    with schema_context(tenant.schema_name):
        return Client.objects.create(
            name="Zoé Client", email=f"zoe-{language}@client.test", language=language
        )


def emulated(emulator, connection, object_id: str) -> dict:
    return emulator.state.accounts[connection.remote_account_id].objects[object_id]


def customer_updates(emulator, customer_id: str, since: int) -> list[dict]:
    return [
        call
        for call in emulator.app.requests[since:]
        if call["method"] == "POST" and call["path"] == f"/v1/customers/{customer_id}"
    ]


def visit(url, browser: str, card: str | None = None) -> str:
    """The page at ``url`` in a browser speaking ``browser``; with ``card``, after paying."""
    headers = {"Accept-Language": browser}
    if card is None:
        answer = requests.get(url, headers=headers, timeout=5)
    else:
        data = {"card": card, "exp": "12 / 34", "cvc": "123"}
        answer = requests.post(url, data=data, headers=headers, timeout=5)
    assert answer.status_code == 200
    return answer.text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_hosted_invoice_page_speaks_the_clients_language(
    language, stripe_platform, alpha_billing, alpha, mailoutbox, django_capture_on_commit_callbacks
):
    says = SAYS[language]
    client = client_speaking(alpha, language)
    draft = make_request(alpha, client=client, amount="12345.67", currency="EUR")
    item = send(alpha, draft.pk, django_capture_on_commit_callbacks)

    invoice = emulated(stripe_platform, alpha_billing, item.remote.remote_id)
    customer = emulated(stripe_platform, alpha_billing, invoice["customer"])
    assert customer["preferred_locales"] == [language]
    # The customer's language wins over the browser's, as on Stripe.
    page = visit(item.remote.pay_url, says["other_browser"])
    for expected in (says["lang"], says["badge"], says["amount"], says["invoice_title"]):
        assert expected in page
    assert says["invoice_button"] in page and says["due"] in page
    assert all(label in page for label in says["labels"])
    assert f"<dd>{long_date(draft.due_date, language)}</dd>" in page
    assert not any(word in page for word in says["foreign"])

    declined = visit(item.remote.pay_url, says["other_browser"], DECLINE_CARD)
    assert says["declined"] in declined and says["lang"] in declined

    paid = visit(item.remote.pay_url, says["other_browser"], SUCCESS_CARD)
    paid_at = datetime.fromtimestamp(invoice["status_transitions"]["paid_at"], UTC).date()
    assert says["paid"].format(date=long_date(paid_at, language)) in paid


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_checkout_page_of_a_payment_link_speaks_the_clients_language(
    language, stripe_platform, alpha_billing, alpha, mailoutbox, django_capture_on_commit_callbacks
):
    says = SAYS[language]
    client = client_speaking(alpha, language)
    draft = make_request(
        alpha,
        client=client,
        amount="12345.67",
        currency="EUR",
        billing_type="payment_link",
        success_url="https://studio.example/thanks",
        cancel_url="https://studio.example/back",
    )
    item = send(alpha, draft.pk, django_capture_on_commit_callbacks)
    assert emulated(stripe_platform, alpha_billing, item.remote.remote_id)["locale"] == language

    page = visit(item.remote.pay_url, says["other_browser"])
    for expected in (says["lang"], says["badge"], says["amount"], says["checkout_title"]):
        assert expected in page
    assert says["checkout_button"] in page and says["cancel"] in page
    assert says["number"].format(number=item.number) in page  # our words, in its language
    assert all(label in page for label in says["labels"])
    assert not any(word in page for word in says["foreign"])

    declined = visit(item.remote.pay_url, says["other_browser"], DECLINE_CARD)
    assert says["declined"] in declined and says["cancel"] in declined


def test_the_customers_language_follows_the_client_on_the_next_send(
    stripe_platform, alpha_billing, alpha, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_speaking(alpha, "fr")
    mark = len(stripe_platform.app.requests)
    first = send(alpha, make_request(alpha, client=client).pk, django_capture_on_commit_callbacks)
    customer_id = emulated(stripe_platform, alpha_billing, first.remote.remote_id)["customer"]
    customer = emulated(stripe_platform, alpha_billing, customer_id)
    assert customer["preferred_locales"] == ["fr"]
    assert customer_updates(stripe_platform, customer_id, mark) == []  # created with it

    with schema_context(alpha.schema_name):
        Client.objects.filter(pk=client.pk).update(language="en")
    mark = len(stripe_platform.app.requests)
    second = send(alpha, make_request(alpha, client=client).pk, django_capture_on_commit_callbacks)
    updates = customer_updates(stripe_platform, customer_id, mark)
    assert [update["params"] for update in updates] == [{"preferred_locales": ["en"]}]
    assert customer["preferred_locales"] == ["en"]
    assert emulated(stripe_platform, alpha_billing, second.remote.remote_id)["customer"] == (
        customer_id
    )
    assert '<html lang="en">' in visit(second.remote.pay_url, "fr-FR")

    mark = len(stripe_platform.app.requests)
    send(alpha, make_request(alpha, client=client).pk, django_capture_on_commit_callbacks)
    assert customer_updates(stripe_platform, customer_id, mark) == []  # unchanged: left alone
