"""PaymentIntents made through the API: a saved card charged off-session (or on-session), and
the authentication a card may ask for.

Off-session, a card that asks for authentication fails the way Stripe documents: HTTP 402,
``error.code`` and ``decline_code`` ``authentication_required``, and ``error.payment_intent``
back in ``requires_payment_method`` with its ``last_payment_error``. To let the client
authenticate (from an emailed link, say), confirm the same intent again with
``off_session=false`` and a ``return_url``: it moves to ``requires_action`` with
``next_action.redirect_to_url.url``, the emulator's authentication page (Stripe's test 3D
Secure page: Complete or Fail), which pays or fails the intent and returns to ``return_url``
with ``payment_intent``, ``payment_intent_client_secret`` and ``redirect_status``, as Stripe
does. A SetupIntent that asks for authentication goes through the same page.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from emulators.stripe.objects import build, new_id
from emulators.stripe.state.cards import AUTHENTICATES, SUCCEEDS, card_error, declined
from emulators.stripe.state.core import AccountData, StripeError, _bool, _int, public

# What an intent waiting to be confirmed may be confirmed from.
CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
AUTHENTICATION_FAILED = (
    "The provided PaymentMethod has failed authentication. You can provide "
    "payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again."
)


def card_details(method: dict) -> dict:
    """What a charge tells of the card it was made on (``payment_method_details.card``)."""
    card = method["card"]
    keys = ("brand", "country", "exp_month", "exp_year", "fingerprint", "funding", "last4")
    return {key: card[key] for key in keys}


def confirmable(intent: dict) -> dict:
    """``intent`` (a PaymentIntent or a SetupIntent), if it may still be confirmed."""
    if intent["status"] not in CONFIRMABLE:
        kind = "PaymentIntent" if intent["object"] == "payment_intent" else "SetupIntent"
        raise StripeError(
            400,
            f"You cannot confirm this {kind} because it has a status of {intent['status']}.",
            code=f"{intent['object']}_unexpected_state",
        )
    return intent


def _off_session(value) -> bool:
    """Stripe takes ``off_session=true`` or the kind of off-session payment it is."""
    return _bool(value) or value in ("one_off", "recurring")


class PaymentIntentsMixin:
    """``POST /v1/payment_intents`` and ``…/confirm`` with a saved card; the authentication page."""

    def create_payment_intent(self, data: AccountData, params: dict, livemode: bool) -> dict:
        amount = _int(params.get("amount"), "amount")
        if amount is None:
            raise StripeError(400, "Missing required param: amount.", code="parameter_missing",
                              param="amount")  # fmt: skip
        if amount < 1:
            raise StripeError(400, "This value must be greater than or equal to 1.",
                              param="amount")  # fmt: skip
        currency = (params.get("currency") or "").lower()
        if len(currency) != 3:
            raise StripeError(400, "Missing required param: currency.", code="parameter_missing",
                              param="currency")  # fmt: skip
        confirm = _bool(params.get("confirm"))
        if _off_session(params.get("off_session")) and not confirm:
            raise StripeError(
                400, "off_session can only be used when confirm=true.", param="off_session"
            )
        customer, method = self.customer_and_method(data, params)
        intent = build(
            "payment_intent",
            id=new_id("payment_intent"),
            amount=amount, amount_capturable=0, amount_received=0, amount_details=None,
            automatic_payment_methods=None, capture_method="automatic",
            confirmation_method="automatic", created=self.now(), currency=currency,
            customer=customer, description=params.get("description"), last_payment_error=None,
            metadata=params.get("metadata") or {}, next_action=None,
            payment_method=method["id"] if method else None,
            payment_method_configuration_details=None, payment_method_options={},
            payment_method_types=["card"], processing=None, shipping=None, transfer_data=None,
            receipt_email=params.get("receipt_email"),
            setup_future_usage=params.get("setup_future_usage") or None,
            status="requires_confirmation" if method else "requires_payment_method",
            managed_payments=None,
        )  # fmt: skip
        intent["client_secret"] = f"{intent['id']}_secret_{secrets.token_hex(12)}"
        self.store(data, intent, livemode)
        self.emit(data.account["id"], "payment_intent.created", intent)
        if confirm:
            self._confirm_payment(data, intent, method, params)
        return intent

    def confirm_payment_intent(self, data: AccountData, intent_id: str, params: dict) -> dict:
        intent = confirmable(self.get(data, "payment_intent", intent_id, "pi_"))
        method_id = params.get("payment_method") or intent["payment_method"]
        if not method_id:
            raise StripeError(
                400,
                "You cannot confirm this PaymentIntent because it's missing a payment method.",
                code="payment_intent_unexpected_state",
            )
        method = self.usable_method(data, method_id, intent["customer"])
        self._confirm_payment(data, intent, method, params)
        return intent

    def _confirm_payment(self, data: AccountData, intent: dict, method: dict | None, params):
        if method is None:
            raise StripeError(400, "Missing required param: payment_method.",
                              code="parameter_missing", param="payment_method")  # fmt: skip
        account_id = data.account["id"]
        intent.update(payment_method=method["id"], last_payment_error=None, next_action=None)
        outcome = method["_outcome"]
        if outcome == AUTHENTICATES and not _off_session(params.get("off_session")):
            self.require_authentication(data, intent, params.get("return_url"))
            return
        if outcome == AUTHENTICATES:
            error = {
                "type": "card_error", "code": "authentication_required",
                "decline_code": "authentication_required",
                "message": "Your card was declined. This transaction requires authentication.",
            }  # fmt: skip
            self._payment_failed(data, intent, method, error, charge=None)
            raise card_error(error["message"], error["code"], error["decline_code"],
                             payment_intent=intent, payment_method=method)  # fmt: skip
        if outcome != SUCCEEDS:
            error = {
                "type": "card_error", "code": "card_declined", "decline_code": "generic_decline",
                "message": "Your card was declined.",
            }  # fmt: skip
            charge = self._charge(data, intent, card_details(method), error)
            self.emit(account_id, "charge.failed", charge)
            self._payment_failed(data, intent, method, error, charge)
            raise declined(payment_intent=intent, payment_method=method)
        self._payment_succeeded(data, intent, method)

    def _payment_succeeded(self, data: AccountData, intent: dict, method: dict) -> None:
        charge = self._charge(data, intent, card_details(method))
        intent.update(status="succeeded", amount_received=intent["amount"], next_action=None,
                      latest_charge=charge["id"])  # fmt: skip
        self.emit(data.account["id"], "charge.succeeded", charge)
        self.emit(data.account["id"], "payment_intent.succeeded", intent)

    def _payment_failed(self, data, intent, method, error, charge) -> None:
        """The intent back to ``requires_payment_method``, the failure told as Stripe tells it."""
        error = dict(error, payment_method=public(method))
        if charge:
            error["charge"] = charge["id"]
            intent["latest_charge"] = charge["id"]
        intent.update(status="requires_payment_method", next_action=None, last_payment_error=error)
        self.emit(data.account["id"], "payment_intent.payment_failed", intent)

    # ---- the authentication page (Stripe's test 3D Secure page) ---------------------------
    def require_authentication(self, data: AccountData, intent: dict, return_url) -> None:
        """``intent`` (a PaymentIntent or a SetupIntent) waits for the card holder."""
        url = f"{self.public_url}/authenticate/{data.account['id']}/{intent['id']}?" + urlencode(
            {"client_secret": intent["client_secret"]}
        )
        intent["_return_url"] = return_url or None
        intent.update(
            status="requires_action",
            next_action={
                "type": "redirect_to_url",
                "redirect_to_url": {"return_url": return_url or None, "url": url},
            },
        )
        self.emit(data.account["id"], f"{intent['object']}.requires_action", intent)

    def authenticating(self, account_id: str, intent_id: str, client_secret: str) -> dict | None:
        """The intent the authentication page is for, if the link is the intent's own."""
        data = self.accounts.get(account_id)
        intent = data.objects.get(intent_id) if data else None
        if intent is None or intent.get("object") not in ("payment_intent", "setup_intent"):
            return None
        return intent if secrets.compare_digest(intent["client_secret"], client_secret) else None

    def finish_authentication(self, account_id: str, intent: dict, completed: bool) -> str:
        """The card holder completed (or failed) authentication; returns where to go next."""
        with self.lock:
            data = self.accounts[account_id]
            if intent["status"] == "requires_action":
                method = data.objects[intent["payment_method"]]
                if intent["object"] == "setup_intent":
                    self.setup_authenticated(data, intent, completed)
                elif completed:
                    self._payment_succeeded(data, intent, method)
                else:
                    error = {"type": "invalid_request_error",
                             "code": "payment_intent_authentication_failure",
                             "message": AUTHENTICATION_FAILED}  # fmt: skip
                    self._payment_failed(data, intent, method, error, charge=None)
            return_url = intent.get("_return_url")
            if not return_url:
                return ""
            kind = intent["object"]
            status = "succeeded" if intent["status"] == "succeeded" else "failed"
            query = {kind: intent["id"], f"{kind}_client_secret": intent["client_secret"],
                     "redirect_status": status}  # fmt: skip
            return return_url + ("&" if "?" in return_url else "?") + urlencode(query)
