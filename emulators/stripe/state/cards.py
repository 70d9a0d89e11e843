"""Saved cards: Stripe's test cards, PaymentMethods, attaching them and a customer's default.

The emulator knows Stripe's test cards only, each with what it does (Stripe's "Testing" page):

=====================  ==========  ==========================================================
number                 brand       what happens
=====================  ==========  ==========================================================
4242 4242 4242 4242    visa        everything succeeds
5555 5555 5555 4444    mastercard  everything succeeds
4000 0025 0000 3155    visa        asks for authentication when set up or paid on-session
                                   (the hosted authentication page completes it); an
                                   off-session payment fails with ``authentication_required``
4000 0027 6000 3184    visa        the same as 3155 ("always authenticate")
4000 0000 0000 0341    visa        attaching and setting up succeed, every charge is declined
4000 0000 0000 0002    visa        declined at once, even when attached or set up
=====================  ==========  ==========================================================

One simplification: Stripe lets a 3155 card that was set up with authentication pay
off-session without asking again; the emulator always asks (as 3184 does on Stripe), so that
the "the client must authenticate" path can be played with the card issue 19 names.

Stripe's test PaymentMethod ids (``pm_card_visa``, ``pm_card_authenticationRequiredOnSetup``,
``pm_card_chargeCustomerFail``…) work wherever a PaymentMethod id is taken, and make a new
PaymentMethod each time, as on Stripe. The card number never leaves the emulator: a
PaymentMethod shows brand, last4, expiry, country and a fingerprint (the same for the same
number on one account), and keeps what the test card does in an internal field.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from emulators.stripe.objects import build, new_id, page_of
from emulators.stripe.state.core import AccountData, StripeError, public

SUCCEEDS = "succeeds"
AUTHENTICATES = "authentication_required"
CHARGE_FAILS = "charge_fails"
DECLINED = "declined"

TEST_CARDS = {
    "4242424242424242": ("visa", SUCCEEDS),
    "5555555555554444": ("mastercard", SUCCEEDS),
    "4000002500003155": ("visa", AUTHENTICATES),
    "4000002760003184": ("visa", AUTHENTICATES),
    "4000000000000341": ("visa", CHARGE_FAILS),
    "4000000000000002": ("visa", DECLINED),
}
TEST_PAYMENT_METHODS = {
    "pm_card_visa": "4242424242424242",
    "pm_card_mastercard": "5555555555554444",
    "pm_card_authenticationRequiredOnSetup": "4000002500003155",
    "pm_card_authenticationRequired": "4000002760003184",
    "pm_card_chargeCustomerFail": "4000000000000341",
    "pm_card_visa_chargeDeclined": "4000000000000002",
}
# A test card's expiry when none is typed (a test PaymentMethod id): Stripe's examples' own.
TEST_EXPIRY = (12, 2034)
UNUSABLE = (
    "The provided PaymentMethod was previously used with a PaymentIntent without Customer "
    "attachment, shared with a connected account without Customer attachment, or was detached "
    "from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must "
    "attach it to a Customer first."
)


def card_error(message: str, code: str, decline_code: str | None = None, param=None,
               **objects) -> StripeError:  # fmt: skip
    """Stripe's 402 for a card that did not go through; ``objects`` (``payment_intent``,
    ``setup_intent``, ``payment_method``) ride along in the error as Stripe sends them."""
    error = StripeError(402, message, type="card_error", code=code, param=param,
                        decline_code=decline_code)  # fmt: skip
    for name, obj in objects.items():
        error.body["error"][name] = public(obj)
    return error


def declined(**objects) -> StripeError:
    return card_error("Your card was declined.", "card_declined", "generic_decline", **objects)


def read_card(number: str, expiry: str, cvc: str, now: int) -> tuple[str, int, int]:
    """A typed card as (number, exp_month, exp_year), or the error Stripe's form shows."""
    digits = re.sub(r"[\s-]", "", number or "")
    if digits not in TEST_CARDS:
        raise card_error("Your card number is incorrect.", "incorrect_number", param="number")
    found = re.fullmatch(r"\s*(\d{1,2})\s*/?\s*(\d{2}|\d{4})\s*", expiry or "")
    month = int(found.group(1)) if found else 0
    if not 1 <= month <= 12:
        raise card_error(
            "Your card's expiration month is invalid.", "invalid_expiry_month", param="exp_month"
        )
    year = int(found.group(2))
    year += 2000 if year < 100 else 0
    today = datetime.fromtimestamp(now, UTC)
    if (year, month) < (today.year, today.month):
        raise card_error(
            "Your card's expiration year is invalid.", "invalid_expiry_year", param="exp_year"
        )
    if not re.fullmatch(r"\d{3,4}", (cvc or "").strip()):
        raise card_error("Your card's security code is invalid.", "invalid_cvc", param="cvc")
    return digits, month, year


class PaymentMethodsMixin:
    """Card PaymentMethods, attached to customers, one of them the customer's default."""

    def create_card_method(self, data: AccountData, number: str, exp_month: int,
                           exp_year: int, name: str | None = None) -> dict:  # fmt: skip
        brand, outcome = TEST_CARDS[number]
        digest = hashlib.sha256(f"{data.account['id']}:{number}".encode()).hexdigest()
        method = build(
            "payment_method",
            id=new_id("payment_method"),
            allow_redisplay="unspecified",
            billing_details={
                "address": {
                    "city": None,
                    "country": None,
                    "line1": None,
                    "line2": None,
                    "postal_code": None,
                    "state": None,
                },
                "email": None,
                "name": name or None,
                "phone": None,
                "tax_id": None,
            },  # fmt: skip
            card={
                "brand": brand,
                "display_brand": brand,
                "country": "US",
                "funding": "credit",
                "exp_month": exp_month,
                "exp_year": exp_year,
                "last4": number[-4:],
                "fingerprint": digest[:16],
                "generated_from": None,
                "regulated_status": None,
                "checks": {
                    "address_line1_check": None,
                    "address_postal_code_check": None,
                    "cvc_check": "pass",
                },
                "networks": {"available": [brand], "preferred": None},
                "three_d_secure_usage": {"supported": True},
                "wallet": None,
            },  # fmt: skip
            created=self.now(),
            customer=None,
            customer_account=None,
            type="card",
        )
        method["_outcome"] = outcome
        return self.store(data, method, bool(data.account.get("_livemode")))

    def payment_method(self, data: AccountData, method_id: str) -> dict:
        """The PaymentMethod ``method_id``; Stripe's test ids make a new one each time."""
        if method_id in TEST_PAYMENT_METHODS:
            return self.create_card_method(data, TEST_PAYMENT_METHODS[method_id], *TEST_EXPIRY)
        return self.get(data, "PaymentMethod", method_id or "", "pm_")

    def usable_method(self, data: AccountData, method_id: str, customer_id: str | None) -> dict:
        """A PaymentMethod that may pay for ``customer_id``: attached to them, never detached."""
        method = self.payment_method(data, method_id)
        if method.get("_detached"):
            raise StripeError(400, UNUSABLE, param="payment_method")
        if method["customer"] and method["customer"] != customer_id:
            raise StripeError(
                400,
                "The provided PaymentMethod belongs to a different Customer.",
                param="payment_method",
            )
        return method

    def customer_and_method(
        self, data: AccountData, params: dict
    ) -> tuple[str | None, dict | None]:
        """An intent's ``customer`` and ``payment_method`` parameters, checked."""
        customer = params.get("customer") or None
        if customer:
            self.get(data, "customer", customer, "cus_")
        method_id = params.get("payment_method")
        return customer, self.usable_method(data, method_id, customer) if method_id else None

    def attach_payment_method(self, data: AccountData, method_id: str, customer_id: str) -> dict:
        customer = self.get(data, "customer", customer_id or "", "cus_")
        method = self.usable_method(data, method_id, customer["id"])
        if method["customer"] == customer["id"]:
            return method
        if method["_outcome"] == DECLINED:
            raise declined(payment_method=method)
        method["customer"] = customer["id"]
        self.emit(data.account["id"], "payment_method.attached", method)
        return method

    def detach_payment_method(self, data: AccountData, method_id: str) -> dict:
        method = self.get(data, "PaymentMethod", method_id, "pm_")
        customer_id = method["customer"]
        if not customer_id:
            raise StripeError(
                400,
                "The payment method you provided is not attached to a customer so detachment "
                "is impossible.",
            )
        customer = data.objects[customer_id]
        if customer["invoice_settings"]["default_payment_method"] == method["id"]:
            self.set_default_payment_method(data, customer, "")
        method.update(customer=None, _detached=True)
        self.emit(data.account["id"], "payment_method.detached", method, {"customer": customer_id})
        return method

    def customer_payment_methods(self, data: AccountData, customer_id: str, params: dict,
                                 url: str) -> dict:  # fmt: skip
        """``GET /v1/customers/:id/payment_methods``: the attached ones, newest first."""
        self.get(data, "customer", customer_id, "cus_")
        kind = params.get("type")
        rows = [
            public(obj)
            for obj in reversed(data.objects.values())
            if obj.get("object") == "payment_method"
            and obj["customer"] == customer_id
            and (not kind or obj["type"] == kind)
        ]
        return page_of(rows, params, url)

    def set_default_payment_method(self, data: AccountData, customer: dict, method_id: str):
        """``invoice_settings[default_payment_method]``: an attached method, or "" to clear."""
        settings = customer["invoice_settings"]
        if method_id:
            method = data.objects.get(method_id)
            if method is None or method.get("customer") != customer["id"]:
                raise StripeError(
                    400,
                    f"The customer does not have a payment method with the ID {method_id}. "
                    "The payment method must be attached to the customer.",
                    param="invoice_settings[default_payment_method]",
                )
        old = settings["default_payment_method"]
        if old == (method_id or None):
            return customer
        settings["default_payment_method"] = method_id or None
        previous = {"invoice_settings": {"default_payment_method": old}}
        self.emit(data.account["id"], "customer.updated", customer, previous)
        return customer
