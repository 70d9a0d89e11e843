"""The Stripe emulator charges saved cards off-session as Stripe does, test card by test card,
through the official SDK: 4242 pays, 3155 asks for authentication, 0341 is declined."""

# ruff: noqa: F811 - the shared fixtures are imported, and named again as arguments
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import stripe

from connectors.tests.stripe_saved_cards import (  # noqa: F401 - fixtures
    account,
    api,
    authenticate,
    customer,
    event_types,
)


def saved_card(api, customer, test_card="pm_card_visa"):
    return api.payment_methods.attach(test_card, {"customer": customer.id})


def charge_off_session(api, customer, method, key=None, amount=4200):
    params = {
        "amount": amount, "currency": "eur", "customer": customer.id,
        "payment_method": method.id, "off_session": True, "confirm": True,
    }  # fmt: skip
    return api.payment_intents.create(params, {"idempotency_key": key} if key else None)


def test_4242_is_charged_once_per_idempotency_key(api, customer):
    method = saved_card(api, customer)

    first = charge_off_session(api, customer, method, key="charge:1")
    again = charge_off_session(api, customer, method, key="charge:1")

    assert first.id == again.id and first.id.startswith("pi_")
    assert (first.status, first.amount_received, first.payment_method) == (
        "succeeded", 4200, method.id,
    )  # fmt: skip
    charge = api.charges.retrieve(first.latest_charge)
    assert (charge.status, charge.amount, charge.payment_method_details.card.last4) == (
        "succeeded", 4200, "4242",
    )  # fmt: skip
    assert event_types(api, first.id) == ["payment_intent.created", "payment_intent.succeeded"]
    assert event_types(api, charge.id) == ["charge.succeeded"]


def test_an_idempotency_key_used_with_other_parameters_is_refused(api, customer):
    method = saved_card(api, customer)
    charge_off_session(api, customer, method, key="charge:2")
    with pytest.raises(stripe.IdempotencyError):
        charge_off_session(api, customer, method, key="charge:2", amount=4300)


def test_3155_off_session_fails_with_authentication_required(api, customer):
    method = saved_card(api, customer, "pm_card_authenticationRequiredOnSetup")

    with pytest.raises(stripe.CardError) as refused:
        charge_off_session(api, customer, method)

    error = refused.value
    assert (error.http_status, error.code) == (402, "authentication_required")
    assert error.error.decline_code == "authentication_required"
    intent = api.payment_intents.retrieve(error.error.payment_intent.id)
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.code == "authentication_required"
    assert intent.latest_charge is None
    assert event_types(api, intent.id)[-1] == "payment_intent.payment_failed"


def test_the_client_authenticates_a_refused_payment_from_a_link(api, customer):
    method = saved_card(api, customer, "pm_card_authenticationRequiredOnSetup")
    with pytest.raises(stripe.CardError) as refused:
        charge_off_session(api, customer, method)
    intent_id = refused.value.error.payment_intent.id

    waiting = api.payment_intents.confirm(
        intent_id, {"off_session": False, "return_url": "https://studio.test/paid"}
    )
    link = waiting.next_action.redirect_to_url.url
    page = requests.get(link, timeout=5)
    back = authenticate(link)

    assert waiting.status == "requires_action" and "€42.00" in page.text
    returned = urlsplit(back.headers["Location"])
    assert returned.netloc == "studio.test"
    assert parse_qs(returned.query)["redirect_status"] == ["succeeded"]
    assert parse_qs(returned.query)["payment_intent"] == [intent_id]
    paid = api.payment_intents.retrieve(intent_id)
    assert paid.status == "succeeded"
    assert api.charges.retrieve(paid.latest_charge).status == "succeeded"


def test_the_authentication_link_needs_the_intents_own_secret(api, customer):
    method = saved_card(api, customer, "pm_card_authenticationRequiredOnSetup")
    waiting = api.payment_intents.create(
        {"amount": 900, "currency": "eur", "customer": customer.id, "payment_method": method.id,
         "confirm": True, "return_url": "https://studio.test/paid"}
    )  # fmt: skip
    forged = waiting.next_action.redirect_to_url.url.split("?")[0] + "?client_secret=guess"

    assert authenticate(forged).status_code == 404
    assert api.payment_intents.retrieve(waiting.id).status == "requires_action"


def test_0341_is_attached_but_its_charge_is_declined(api, customer):
    method = saved_card(api, customer, "pm_card_chargeCustomerFail")
    assert method.customer == customer.id

    with pytest.raises(stripe.CardError) as refused:
        charge_off_session(api, customer, method)

    error = refused.value
    assert (error.http_status, error.code, error.error.decline_code) == (
        402, "card_declined", "generic_decline",
    )  # fmt: skip
    intent = api.payment_intents.retrieve(error.error.payment_intent.id)
    assert intent.status == "requires_payment_method"
    charge = api.charges.retrieve(intent.latest_charge)
    assert (charge.status, charge.failure_code, charge.paid) == ("failed", "card_declined", False)
    assert event_types(api, intent.id)[-1] == "payment_intent.payment_failed"
    assert event_types(api, charge.id) == ["charge.failed"]


def test_a_detached_card_cannot_be_charged(api, customer):
    method = saved_card(api, customer)
    api.payment_methods.detach(method.id)

    with pytest.raises(stripe.InvalidRequestError) as refused:
        charge_off_session(api, customer, method)

    assert "detached" in refused.value.user_message
    assert "charge.succeeded" not in [event.type for event in api.events.list({"limit": 100})]
