"""SetupIntents, and Checkout in setup mode: the hosted page where a client saves a card.

A setup-mode Checkout Session gets its SetupIntent (``setup_intent``) when it is created. On
the page (``card_pages.py``) the client types a card: the emulator makes the PaymentMethod,
confirms the SetupIntent with it (a card that asks for authentication goes through the
authentication page first, ``intents.py``), which attaches the card to the session's customer,
and the session completes. Events, in Stripe's order: ``payment_method.attached``,
``setup_intent.succeeded``, ``checkout.session.completed``.
"""

from __future__ import annotations

import secrets

from emulators.stripe.objects import build, new_id
from emulators.stripe.state.cards import AUTHENTICATES, DECLINED, declined, read_card
from emulators.stripe.state.core import AccountData, StripeError, _bool
from emulators.stripe.state.intents import confirmable


class SetupIntentsMixin:
    """Saving a card for later: SetupIntents and the setup-mode Checkout Session."""

    def create_setup_intent(self, data: AccountData, params: dict, livemode: bool) -> dict:
        usage = params.get("usage") or "off_session"
        if usage not in ("off_session", "on_session"):
            raise StripeError(400, f"Invalid usage: {usage}", param="usage")
        types = params.get("payment_method_types") or ["card"]
        if types != ["card"]:
            raise StripeError(400, "The emulator saves cards only.", param="payment_method_types")
        customer, method = self.customer_and_method(data, params)
        intent = build(
            "setup_intent",
            id=new_id("setup_intent"),
            automatic_payment_methods=None, created=self.now(), customer=customer,
            description=params.get("description"), last_setup_error=None,
            metadata=params.get("metadata") or {}, next_action=None,
            payment_method=method["id"] if method else None,
            payment_method_configuration_details=None,
            payment_method_options={"card": {"mandate_options": None, "network": None,
                                             "request_three_d_secure": "automatic"}},
            payment_method_types=["card"],
            status="requires_confirmation" if method else "requires_payment_method",
            usage=usage,
        )  # fmt: skip
        intent["client_secret"] = f"{intent['id']}_secret_{secrets.token_hex(12)}"
        self.store(data, intent, livemode)
        self.emit(data.account["id"], "setup_intent.created", intent)
        if _bool(params.get("confirm")):
            self._confirm_setup(data, intent, method, params.get("return_url"))
        return intent

    def confirm_setup_intent(self, data: AccountData, intent_id: str, params: dict) -> dict:
        intent = confirmable(self.get(data, "setup_intent", intent_id, "seti_"))
        method_id = params.get("payment_method") or intent["payment_method"]
        method = self.usable_method(data, method_id, intent["customer"]) if method_id else None
        self._confirm_setup(data, intent, method, params.get("return_url"))
        return intent

    def _confirm_setup(self, data: AccountData, intent: dict, method: dict | None, return_url):
        if method is None:
            raise StripeError(400, "Missing required param: payment_method.",
                              code="parameter_missing", param="payment_method")  # fmt: skip
        intent.update(payment_method=method["id"], last_setup_error=None, next_action=None)
        if method["_outcome"] == DECLINED:
            intent.update(
                status="requires_payment_method",
                payment_method=None,
                last_setup_error={"type": "card_error", "code": "card_declined",
                                  "decline_code": "generic_decline",
                                  "message": "Your card was declined."},
            )  # fmt: skip
            self.emit(data.account["id"], "setup_intent.setup_failed", intent)
            raise declined(setup_intent=intent, payment_method=method)
        if method["_outcome"] == AUTHENTICATES:
            self.require_authentication(data, intent, return_url)
            return
        self._setup_succeeded(data, intent)

    def _setup_succeeded(self, data: AccountData, intent: dict) -> None:
        if intent["customer"]:
            self.attach_payment_method(data, intent["payment_method"], intent["customer"])
        intent.update(status="succeeded", next_action=None)
        self.emit(data.account["id"], "setup_intent.succeeded", intent)

    def setup_authenticated(self, data: AccountData, intent: dict, completed: bool) -> None:
        """The authentication page's answer for a SetupIntent waiting for it."""
        if completed:
            self._setup_succeeded(data, intent)
            return
        intent.update(
            status="requires_payment_method",
            next_action=None,
            last_setup_error={
                "type": "invalid_request_error",
                "code": "setup_intent_authentication_failure",
                "message": "The latest attempt to set up the payment method has failed "
                "because authentication failed.",
            },
        )
        self.emit(data.account["id"], "setup_intent.setup_failed", intent)

    # ---- Checkout in setup mode -----------------------------------------------------------
    def create_setup_session(self, data: AccountData, params: dict, livemode: bool) -> dict:
        expires_at, locale = self._session_expiry(params), self._session_locale(params)
        intent_data = params.get("setup_intent_data") or {}
        intent = self.create_setup_intent(
            data,
            {"customer": params.get("customer"), "usage": "off_session",
             "description": intent_data.get("description"),
             "metadata": intent_data.get("metadata")},
            livemode,
        )  # fmt: skip
        session_id = new_id("checkout.session", livemode)
        session = build(
            "checkout.session",
            id=session_id,
            amount_subtotal=None, amount_total=None, total_details=None, currency=None,
            cancel_url=params.get("cancel_url"), success_url=params["success_url"],
            client_reference_id=params.get("client_reference_id"), created=self.now(),
            customer=intent["customer"], customer_email=params.get("customer_email"),
            expires_at=expires_at, locale=locale, metadata=params.get("metadata") or {},
            mode="setup", payment_method_types=["card"],
            payment_status="no_payment_required", setup_intent=intent["id"], status="open",
            url=f"{self.public_url}/c/setup/{session_id}",
        )  # fmt: skip
        return self.store(data, session, livemode)

    def save_card(self, account_id: str, session_id: str, form: dict) -> dict:
        """The client typed a card on the setup page; returns the session's SetupIntent.
        Raises the card's ``StripeError`` (402) when it was refused."""
        with self.lock:
            self.sweep()
            data = self.accounts[account_id]
            session = self.get(data, "checkout session", session_id, "cs_")
            if session["status"] != "open":
                raise StripeError(400, "This Checkout Session is no longer active.")
            number, month, year = read_card(
                form.get("card", ""), form.get("exp", ""), form.get("cvc", ""), self.now()
            )
            method = self.create_card_method(data, number, month, year, form.get("name"))
            intent = data.objects[session["setup_intent"]]
            self._confirm_setup(data, intent, method, session["url"])
            self.complete_setup_session(data, session)
            return intent

    def complete_setup_session(self, data: AccountData, session: dict) -> dict:
        """Completes an open setup session once its SetupIntent has succeeded (at once, or
        back from the authentication page)."""
        intent = data.objects[session["setup_intent"]]
        if session["status"] == "open" and intent["status"] == "succeeded":
            session["status"] = "complete"
            self.emit(data.account["id"], "checkout.session.completed", session)
        return session
