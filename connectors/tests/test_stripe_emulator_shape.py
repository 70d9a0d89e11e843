"""Every object type the emulator returns has the shape of Stripe's own example objects."""

from __future__ import annotations

import json
import urllib.request

import pytest

from emulators.stripe.objects import FIXTURES
from emulators.stripe.server import TEST_SECRET_KEY
from emulators.stripe.state import public

# Stripe's own example objects (stripe/openapi fixtures3.json, unmodified, MIT licence beside it).
REFERENCE = FIXTURES.with_name("reference") / "fixtures3.json"
# Fields Stripe adds to Connect events (the reference event is a platform event).
CONNECT_EXTRAS = {"event": {"account"}}
NESTED = {
    "invoice": ["status_transitions", "lines"],
    "checkout.session": ["total_details"],
    "item": ["price"],
    "invoice_payment": ["status_transitions"],
    "payment_method": ["card", "billing_details"],
}


@pytest.fixture(scope="module")
def reference():
    return json.loads(REFERENCE.read_text())["resources"]


def call(emulator, method, path, account=None, data=None, key=None):
    headers = {"Authorization": f"Bearer {TEST_SECRET_KEY}"}
    if account:
        headers["Stripe-Account"] = account
    if key:
        headers["Idempotency-Key"] = key
    body = None
    if data is not None:
        from urllib.parse import urlencode

        body = urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(emulator.url + path, data=body, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def every_object(stripe_emulator) -> dict[str, dict]:
    """Drive one of everything through the HTTP API and collect what came back, by type."""
    seen: dict[str, dict] = {}

    def keep(obj):
        kind = obj["object"]
        if kind == "invoice" and obj.get("deleted"):
            kind = "deleted_invoice"
        seen.setdefault(kind, obj)
        return obj

    account = keep(
        call(stripe_emulator, "POST", "/v1/accounts", data={"type": "standard", "country": "FR"})
    )
    keep(
        call(
            stripe_emulator,
            "POST",
            "/v1/account_links",
            data={
                "account": account["id"],
                "type": "account_onboarding",
                "refresh_url": "https://x.test/r",
                "return_url": "https://x.test/b",
            },
        )
    )
    acct = account["id"]
    customer = keep(
        call(stripe_emulator, "POST", "/v1/customers", acct, {"email": "c@x.test", "name": "C"})
    )
    draft = call(
        stripe_emulator,
        "POST",
        "/v1/invoices",
        acct,
        {"customer": customer["id"], "collection_method": "send_invoice", "days_until_due": "5"},
    )
    keep(call(stripe_emulator, "DELETE", f"/v1/invoices/{draft['id']}", acct))
    invoice = call(
        stripe_emulator,
        "POST",
        "/v1/invoices",
        acct,
        {
            "customer": customer["id"],
            "collection_method": "send_invoice",
            "days_until_due": "5",
            "currency": "eur",
        },
    )
    tax_rate = keep(
        call(
            stripe_emulator,
            "POST",
            "/v1/tax_rates",
            acct,
            {"display_name": "VAT", "percentage": "20", "inclusive": "false"},
        )
    )
    listed = call(stripe_emulator, "GET", "/v1/tax_rates?active=true", acct)
    assert [rate["id"] for rate in listed["data"]] == [tax_rate["id"]]
    assert call(stripe_emulator, "GET", f"/v1/tax_rates/{tax_rate['id']}", acct) == tax_rate
    keep(
        call(
            stripe_emulator,
            "POST",
            "/v1/invoiceitems",
            acct,
            {
                "customer": customer["id"],
                "invoice": invoice["id"],
                "quantity": "2",
                "unit_amount_decimal": "250",
                "currency": "eur",
                "tax_rates[0]": tax_rate["id"],
            },
        )
    )
    invoice = keep(
        call(stripe_emulator, "POST", f"/v1/invoices/{invoice['id']}/finalize", acct, {})
    )
    assert (invoice["subtotal"], invoice["total"], invoice["amount_due"]) == (500, 600, 600)
    seen["line_item"] = invoice["lines"]["data"][0]
    intent = stripe_emulator.state.pay_invoice(acct, invoice["id"], "4242424242424242")
    keep(call(stripe_emulator, "GET", f"/v1/payment_intents/{intent['id']}", acct))
    keep(call(stripe_emulator, "GET", f"/v1/charges/{intent['latest_charge']}", acct))
    keep(
        call(
            stripe_emulator,
            "POST",
            "/v1/refunds",
            acct,
            {"payment_intent": intent["id"], "amount": "100"},
        )
    )
    payments = call(stripe_emulator, "GET", f"/v1/invoice_payments?invoice={invoice['id']}", acct)
    keep(payments["data"][0])
    session = keep(
        call(
            stripe_emulator,
            "POST",
            "/v1/checkout/sessions",
            acct,
            {
                "mode": "payment",
                "success_url": "https://x.test/ok",
                "line_items[0][quantity]": "1",
                "line_items[0][price_data][currency]": "eur",
                "line_items[0][price_data][unit_amount]": "700",
                "line_items[0][price_data][product_data][name]": "Deposit",
                "line_items[0][tax_rates][0]": tax_rate["id"],
            },
        )
    )
    assert (session["amount_total"], session["total_details"]["amount_tax"]) == (840, 140)
    items = call(stripe_emulator, "GET", f"/v1/checkout/sessions/{session['id']}/line_items", acct)
    keep(items["data"][0])
    events = call(stripe_emulator, "GET", "/v1/events?limit=3", acct)
    keep(events["data"][0])
    return seen


def test_every_returned_object_has_stripes_fields(stripe_emulator, reference):
    stripe_emulator.sender.paused = True
    try:
        returned = every_object(stripe_emulator)
    finally:
        stripe_emulator.sender.paused = False

    assert set(returned) >= {
        "account", "account_link", "customer", "invoice", "deleted_invoice", "invoiceitem",
        "line_item", "payment_intent", "charge", "invoice_payment", "checkout.session", "event",
        "refund", "tax_rate", "item",
    }  # fmt: skip
    assert_stripes_fields(returned, reference)


def assert_stripes_fields(returned: dict[str, dict], reference: dict) -> None:
    for kind, obj in returned.items():
        expected = set(reference[kind])
        actual = set(obj) - CONNECT_EXTRAS.get(kind, set())
        assert actual == expected, f"{kind}: missing {expected - actual}, extra {actual - expected}"
        for field in NESTED.get(kind, []):
            if obj[field] is not None:  # Stripe's null: a setup session's ``total_details``
                assert set(obj[field]) == set(reference[kind][field]), f"{kind}.{field}"


def test_the_emulators_examples_are_stripes_own_unchanged(reference):
    examples = json.loads(FIXTURES.read_text())["resources"]
    assert examples == {kind: reference[kind] for kind in examples}


def saved_card_objects(stripe_emulator) -> dict[str, dict]:
    """A card saved through setup-mode Checkout, then charged off-session and declined."""
    acct = call(stripe_emulator, "POST", "/v1/accounts", data={"country": "FR"})["id"]
    customer = call(stripe_emulator, "POST", "/v1/customers", acct, {"email": "c@x.test"})
    session = call(
        stripe_emulator,
        "POST",
        "/v1/checkout/sessions",
        acct,
        {"mode": "setup", "customer": customer["id"], "success_url": "https://x.test/ok"},
    )
    stripe_emulator.state.save_card(
        acct, session["id"], {"card": "4242424242424242", "exp": "12/34", "cvc": "123"}
    )
    intent = call(stripe_emulator, "GET", f"/v1/setup_intents/{session['setup_intent']}", acct)
    method = call(stripe_emulator, "GET", f"/v1/payment_methods/{intent['payment_method']}", acct)
    payment = call(
        stripe_emulator,
        "POST",
        "/v1/payment_intents",
        acct,
        {"amount": "500", "currency": "eur", "customer": customer["id"],
         "payment_method": method["id"], "off_session": "true", "confirm": "true"},
    )  # fmt: skip
    charge = call(stripe_emulator, "GET", f"/v1/charges/{payment['latest_charge']}", acct)
    session = call(stripe_emulator, "GET", f"/v1/checkout/sessions/{session['id']}", acct)
    return {
        "checkout.session": session, "setup_intent": intent, "payment_method": method,
        "payment_intent": payment, "charge": charge,
    }  # fmt: skip


def test_saved_card_objects_have_stripes_fields(stripe_emulator, reference):
    stripe_emulator.sender.paused = True
    try:
        returned = saved_card_objects(stripe_emulator)
    finally:
        stripe_emulator.sender.paused = False

    assert returned["setup_intent"]["status"] == "succeeded"
    assert returned["payment_intent"]["status"] == "succeeded"
    assert_stripes_fields(returned, reference)
    card = returned["payment_method"]["card"]
    assert set(card["checks"]) == set(reference["payment_method"]["card"]["checks"])


def subscription_objects(stripe_emulator) -> dict[str, dict]:
    """A plan in the catalog, subscribed to through Checkout, then switched (prorated)."""
    acct = call(stripe_emulator, "POST", "/v1/accounts", data={"country": "FR"})["id"]
    customer = call(stripe_emulator, "POST", "/v1/customers", acct, {"email": "c@x.test"})
    product = call(stripe_emulator, "POST", "/v1/products", acct, {"name": "Basic"})
    price, pro = (
        call(stripe_emulator, "POST", "/v1/prices", acct,
             {"product": product["id"], "currency": "eur", "unit_amount": amount,
              "recurring[interval]": "month"})
        for amount in ("1999", "4999")
    )  # fmt: skip
    session = call(
        stripe_emulator, "POST", "/v1/checkout/sessions", acct,
        {"mode": "subscription", "customer": customer["id"], "success_url": "https://x.test/ok",
         "line_items[0][price]": price["id"]},
    )  # fmt: skip
    stripe_emulator.state.subscribe(
        acct, session["id"], {"card": "4242424242424242", "exp": "12/34", "cvc": "123"}
    )
    session = call(stripe_emulator, "GET", f"/v1/checkout/sessions/{session['id']}", acct)
    subscription = call(stripe_emulator, "GET", f"/v1/subscriptions/{session['subscription']}",
                        acct)  # fmt: skip
    item = subscription["items"]["data"][0]
    switched = call(
        stripe_emulator, "POST", f"/v1/subscriptions/{subscription['id']}", acct,
        {"items[0][id]": item["id"], "items[0][price]": pro["id"],
         "proration_behavior": "always_invoice"},
    )  # fmt: skip
    invoice = call(stripe_emulator, "GET", f"/v1/invoices/{switched['latest_invoice']}", acct)
    proration = invoice["lines"]["data"][0]
    invoice_item = proration["parent"]["subscription_item_details"]["invoice_item"]
    return {
        "product": call(stripe_emulator, "GET", f"/v1/products/{product['id']}", acct),
        "price": price, "checkout.session": session, "subscription": switched,
        "subscription_item": switched["items"]["data"][0], "invoice": invoice,
        "line_item": proration,
        "invoiceitem": stripe_emulator.state.accounts[acct].objects[invoice_item],
    }  # fmt: skip


def test_subscription_objects_have_stripes_fields(stripe_emulator, reference):
    stripe_emulator.sender.paused = True
    try:
        returned = subscription_objects(stripe_emulator)
    finally:
        stripe_emulator.sender.paused = False

    assert returned["subscription"]["status"] == "active"
    assert returned["invoice"]["billing_reason"] == "subscription_update"
    returned["invoiceitem"] = public(returned["invoiceitem"])
    assert_stripes_fields(returned, reference)
    subscription, item = returned["subscription"], returned["subscription_item"]
    for field in ("automatic_tax", "cancellation_details", "invoice_settings",
                  "payment_settings"):  # fmt: skip
        assert set(subscription[field]) == set(reference["subscription"][field]), field
    assert set(item["price"]) == set(reference["price"])
    assert set(item["plan"]) == set(reference["subscription_item"]["plan"])
