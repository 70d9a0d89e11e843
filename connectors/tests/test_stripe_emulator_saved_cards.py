"""The Stripe emulator saves cards as Stripe does: Checkout in setup mode, SetupIntents,
PaymentMethods attached to a customer and the customer's default, through the official SDK."""

# ruff: noqa: F811 - the shared fixtures are imported, and named again as arguments
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests
import stripe

from connectors.tests.stripe_saved_cards import (  # noqa: F401 - fixtures
    account,
    api,
    authenticate,
    customer,
    event_types,
    setup_session,
    type_card,
)
from emulators.stripe.server import TEST_WEBHOOK_SECRET
from emulators.stripe.webhooks import Endpoint


def test_the_setup_page_asks_for_a_card_with_the_payment_pages_fields(api, customer):
    session = setup_session(api, customer.id)
    page = requests.get(session.url, timeout=5)
    assert page.status_code == 200
    for label in ("Save your card for future payments", "Card number", "Expiry (MM / YY)",
                  "CVC", "Save card", "Studio Cy"):  # fmt: skip
        assert label in page.text
    assert session.mode == "setup" and session.setup_intent.startswith("seti_")
    assert session.payment_status == "no_payment_required" and session.amount_total is None


def test_a_saved_card_is_attached_and_the_client_returns_to_the_success_url(api, customer):
    session = setup_session(api, customer.id)

    answer = type_card(session.url, "5555 5555 5555 4444")

    assert answer.status_code == 302
    assert answer.headers["Location"] == f"https://studio.test/saved?session={session.id}"
    assert api.checkout.sessions.retrieve(session.id).status == "complete"
    intent = api.setup_intents.retrieve(session.setup_intent)
    assert intent.status == "succeeded" and intent.usage == "off_session"
    method = api.payment_methods.retrieve(intent.payment_method)
    card = method.card
    assert (method.customer, card.brand, card.last4) == (customer.id, "mastercard", "4444")
    assert (card.exp_month, card.exp_year, card.country) == (12, 2034, "US")
    assert "5555555555554444" not in json.dumps(method.to_dict())
    assert event_types(api, method.id) == ["payment_method.attached"]
    assert event_types(api, intent.id)[-1] == "setup_intent.succeeded"
    assert event_types(api, session.id) == ["checkout.session.completed"]


@pytest.mark.parametrize(
    "number, fields, message",
    [
        ("4242 4242 4242 4241", {}, "Your card number is incorrect."),
        ("4242 4242 4242 4242", {"exp": "13 / 30"}, "Your card's expiration month is invalid."),
        ("4242 4242 4242 4242", {"exp": "01 / 20"}, "Your card's expiration year is invalid."),
        ("4000 0000 0000 0002", {}, "Your card was declined."),
    ],
)
def test_the_setup_page_refuses_a_bad_card_and_saves_nothing(api, customer, number, fields,
                                                              message):  # fmt: skip
    session = setup_session(api, customer.id)

    answer = type_card(session.url, number, **fields)

    assert answer.status_code == 200 and message in answer.text
    assert api.checkout.sessions.retrieve(session.id).status == "open"
    assert api.customers.payment_methods.list(customer.id, {"type": "card"}).data == []


def test_a_card_asking_for_authentication_is_saved_once_the_client_completes_it(api, customer):
    session = setup_session(api, customer.id)

    to_bank = type_card(session.url, "4000 0025 0000 3155")
    bank_page = requests.get(to_bank.headers["Location"], timeout=5)
    back = authenticate(to_bank.headers["Location"])
    done = requests.get(back.headers["Location"], allow_redirects=False, timeout=5)

    assert "Visa ending in 3155" in bank_page.text and "Complete authentication" in bank_page.text
    assert back.headers["Location"].startswith(session.url)
    assert "redirect_status=succeeded" in back.headers["Location"]
    assert done.headers["Location"] == f"https://studio.test/saved?session={session.id}"
    intent = api.setup_intents.retrieve(session.setup_intent)
    assert intent.status == "succeeded"
    assert api.payment_methods.retrieve(intent.payment_method).customer == customer.id


def test_a_failed_authentication_saves_nothing_and_the_page_says_why(api, customer):
    session = setup_session(api, customer.id)
    to_bank = type_card(session.url, "4000 0025 0000 3155")

    back = authenticate(to_bank.headers["Location"], "fail")
    page = requests.get(back.headers["Location"], timeout=5)

    assert "could not be authenticated" in page.text
    assert api.setup_intents.retrieve(session.setup_intent).status == "requires_payment_method"
    assert api.checkout.sessions.retrieve(session.id).status == "open"
    assert api.customers.payment_methods.list(customer.id, {"type": "card"}).data == []


def test_a_setup_intent_confirmed_through_the_api_attaches_the_card(api, customer):
    intent = api.setup_intents.create(
        {"customer": customer.id, "usage": "off_session", "payment_method_types": ["card"]}
    )
    assert intent.status == "requires_payment_method" and intent.id.startswith("seti_")

    confirmed = api.setup_intents.confirm(intent.id, {"payment_method": "pm_card_visa"})

    assert confirmed.status == "succeeded"
    method = api.payment_methods.retrieve(confirmed.payment_method)
    assert (method.customer, method.card.brand, method.card.last4) == (customer.id, "visa", "4242")


def test_a_declined_card_cannot_be_set_up(api, customer):
    intent = api.setup_intents.create({"customer": customer.id})
    with pytest.raises(stripe.CardError) as refused:
        api.setup_intents.confirm(intent.id, {"payment_method": "pm_card_visa_chargeDeclined"})
    assert (refused.value.http_status, refused.value.code) == (402, "card_declined")
    assert api.setup_intents.retrieve(intent.id).status == "requires_payment_method"


def test_cards_are_attached_listed_and_detached(api, customer):
    visa = api.payment_methods.attach("pm_card_visa", {"customer": customer.id})
    mastercard = api.payment_methods.attach("pm_card_mastercard", {"customer": customer.id})
    listed = api.customers.payment_methods.list(customer.id, {"type": "card"})
    assert [(m.id, m.card.brand) for m in listed.data] == [
        (mastercard.id, "mastercard"), (visa.id, "visa"),
    ]  # fmt: skip

    detached = api.payment_methods.detach(visa.id)

    assert detached.customer is None
    listed = api.customers.payment_methods.list(customer.id, {"type": "card"})
    assert [m.id for m in listed.data] == [mastercard.id]
    assert event_types(api, visa.id) == ["payment_method.attached", "payment_method.detached"]
    with pytest.raises(stripe.InvalidRequestError):
        api.payment_methods.attach(visa.id, {"customer": customer.id})


def test_the_default_card_is_set_on_the_customer_and_cleared_when_detached(api, customer):
    method = api.payment_methods.attach("pm_card_visa", {"customer": customer.id})
    api.customers.update(customer.id, {"invoice_settings": {"default_payment_method": method.id}})
    settings = api.customers.retrieve(customer.id).invoice_settings
    assert settings.default_payment_method == method.id

    api.payment_methods.detach(method.id)

    assert api.customers.retrieve(customer.id).invoice_settings.default_payment_method is None
    assert event_types(api, customer.id).count("customer.updated") == 2


def test_only_an_attached_card_can_be_the_default(api, customer):
    loose = api.payment_methods.retrieve("pm_card_visa")
    with pytest.raises(stripe.InvalidRequestError) as refused:
        api.customers.update(
            customer.id, {"invoice_settings": {"default_payment_method": loose.id}}
        )
    assert refused.value.param == "invoice_settings[default_payment_method]"
    assert api.customers.retrieve(customer.id).invoice_settings.default_payment_method is None


class Inbox(BaseHTTPRequestHandler):
    received: list[tuple[str, str]] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        Inbox.received.append((body, self.headers["Stripe-Signature"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook_inbox(stripe_emulator):
    """A webhook endpoint of our own, registered on the emulator like the app's."""
    server = HTTPServer(("127.0.0.1", 0), Inbox)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = Endpoint(f"http://127.0.0.1:{server.server_port}/", TEST_WEBHOOK_SECRET)
    stripe_emulator.sender.paused = False
    stripe_emulator.sender.endpoints.append(endpoint)
    Inbox.received = []
    yield Inbox.received
    stripe_emulator.sender.endpoints.remove(endpoint)
    server.shutdown()


def test_saving_a_card_sends_signed_webhooks(stripe_emulator, api, customer, account,
                                             webhook_inbox):  # fmt: skip
    session = setup_session(api, customer.id)
    type_card(session.url, "4242 4242 4242 4242")
    stripe_emulator.sender.wait_idle()

    events = [
        stripe.Webhook.construct_event(body, signature, TEST_WEBHOOK_SECRET)
        for body, signature in webhook_inbox
    ]
    mine = [event.type for event in events if event.account == account]
    assert mine[-3:] == [
        "payment_method.attached", "setup_intent.succeeded", "checkout.session.completed",
    ]  # fmt: skip
    completed = [event for event in events if event.type == "checkout.session.completed"][-1]
    assert completed.data.object.mode == "setup"
