"""The Stripe emulator's ``Invoice.pay`` charges a sent invoice to the customer's default saved
card off-session, through the official SDK: 4242 pays it (with the events a hosted-page payment
sends), 3155 asks for authentication, 0341 is declined, no default card is Stripe's 400, and a
retry under the same idempotency key never charges twice."""

# ruff: noqa: F811 - the shared fixtures are imported, and named again as arguments
from __future__ import annotations

import pytest
import stripe

from connectors.tests.stripe_saved_cards import (  # noqa: F401 - fixtures
    account,
    api,
    customer,
    event_types,
)


def open_invoice(api, customer, amount=4200):
    invoice = api.invoices.create(
        {"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 14,
         "currency": "eur"}
    )  # fmt: skip
    api.invoice_items.create(
        {"customer": customer.id, "invoice": invoice.id, "amount": amount, "currency": "eur"}
    )
    return api.invoices.finalize_invoice(invoice.id)


def default_card(api, customer, test_card):
    method = api.payment_methods.attach(test_card, {"customer": customer.id})
    api.customers.update(customer.id, {"invoice_settings": {"default_payment_method": method.id}})
    return method


def pay(api, invoice, key="pay:1"):
    return api.invoices.pay(invoice.id, {"off_session": True}, {"idempotency_key": key})


def test_4242_pays_the_invoice_once_with_the_hosted_pages_events(api, customer):
    default_card(api, customer, "pm_card_visa")
    invoice = open_invoice(api, customer)

    paid, again = pay(api, invoice), pay(api, invoice)

    assert (paid.status, paid.amount_paid, paid.amount_remaining) == ("paid", 4200, 0)
    assert again.to_dict() == paid.to_dict()
    (payment,) = api.invoice_payments.list({"invoice": invoice.id}).data
    intent = api.payment_intents.retrieve(payment.payment.payment_intent)
    assert (intent.status, intent.amount_received) == ("succeeded", 4200)
    assert event_types(api, intent.id)[-1] == "payment_intent.succeeded"
    assert event_types(api, intent.latest_charge) == ["charge.succeeded"]
    assert event_types(api, invoice.id)[-2:] == ["invoice.payment_succeeded", "invoice.paid"]


def test_3155_asks_for_authentication_and_leaves_the_invoice_open(api, customer):
    default_card(api, customer, "pm_card_authenticationRequiredOnSetup")
    invoice = open_invoice(api, customer)

    with pytest.raises(stripe.CardError) as refused:
        pay(api, invoice)

    assert (refused.value.http_status, refused.value.code) == (402, "authentication_required")
    intent = api.payment_intents.retrieve(refused.value.error.payment_intent.id)
    assert intent.status == "requires_action" and intent.next_action.redirect_to_url.url
    assert api.invoices.retrieve(invoice.id).status == "open"
    assert event_types(api, invoice.id)[-1] == "invoice.payment_action_required"


def test_0341_is_declined_once_per_key(api, customer):
    default_card(api, customer, "pm_card_chargeCustomerFail")
    invoice = open_invoice(api, customer)

    for _time in range(2):
        with pytest.raises(stripe.CardError) as refused:
            pay(api, invoice)
        assert (refused.value.http_status, refused.value.code) == (402, "card_declined")

    assert len(api.invoice_payments.list({"invoice": invoice.id}).data) == 1
    assert api.invoices.retrieve(invoice.id).attempt_count == 1
    assert event_types(api, invoice.id)[-1] == "invoice.payment_failed"


def test_no_default_card_is_refused_as_stripe_refuses_it(api, customer):
    invoice = open_invoice(api, customer)

    with pytest.raises(stripe.InvalidRequestError) as refused:
        pay(api, invoice)

    assert "has no attached payment source or default payment method" in str(refused.value)
    assert api.invoices.retrieve(invoice.id).status == "open"
