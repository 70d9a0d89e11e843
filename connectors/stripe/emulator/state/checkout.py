"""Checkout Sessions: one-off payment pages that expire."""

from __future__ import annotations

from connectors.stripe.emulator.objects import build, new_id
from connectors.stripe.emulator.state.core import (
    CHECKOUT_DEFAULT_TTL,
    CHECKOUT_LOCALES,
    AccountData,
    StripeError,
    _int,
)


class CheckoutMixin:
    """Checkout Sessions in payment mode, paid on the emulator's Checkout page."""

    def create_checkout_session(self, data: AccountData, params: dict, livemode: bool) -> dict:
        if params.get("mode", "payment") != "payment":
            raise StripeError(400, "The emulator supports mode=payment only.", param="mode")
        success_url = params.get("success_url") or ""
        if not success_url.startswith(("http://", "https://")):
            raise StripeError(400, "Not a valid URL", param="success_url")
        items = params.get("line_items") or []
        if not items:
            raise StripeError(400, "Missing required param: line_items.", param="line_items")
        currency = None
        total = 0
        for index, item in enumerate(items):
            price = item.get("price_data") or {}
            amount = _int(price.get("unit_amount"), f"line_items[{index}][price_data][unit_amount]")
            if amount is None or amount < 1:
                raise StripeError(
                    400,
                    "unit_amount must be a positive integer",
                    param=f"line_items[{index}][price_data][unit_amount]",
                )
            currency = (price.get("currency") or "").lower()
            total += amount * (_int(item.get("quantity"), "quantity") or 1)
        expires_at = _int(params.get("expires_at"), "expires_at") or (
            self.now() + CHECKOUT_DEFAULT_TTL
        )
        if not 1800 <= expires_at - self.now() <= CHECKOUT_DEFAULT_TTL:
            raise StripeError(
                400,
                "expires_at must be between 30 minutes and 24 hours from now.",
                param="expires_at",
            )
        locale = params.get("locale") or None
        if locale is not None and locale not in CHECKOUT_LOCALES:
            raise StripeError(
                400,
                f"Invalid locale: must be one of {', '.join(CHECKOUT_LOCALES[:-1])}, "
                f"or {CHECKOUT_LOCALES[-1]}",
                param="locale",
            )
        session_id = new_id("checkout.session", livemode)
        session = build(
            "checkout.session",
            id=session_id,
            amount_subtotal=total,
            amount_total=total,
            cancel_url=params.get("cancel_url"),
            success_url=success_url,
            client_reference_id=params.get("client_reference_id"),
            created=self.now(),
            currency=currency,
            customer=params.get("customer"),
            customer_email=params.get("customer_email"),
            expires_at=expires_at,
            locale=locale,
            metadata=params.get("metadata") or {},
            mode="payment",
            payment_method_types=["card"],
            payment_status="unpaid",
            status="open",
            url=f"{self.public_url}/c/pay/{session_id}",
        )
        session["_payment_intent_metadata"] = (params.get("payment_intent_data") or {}).get(
            "metadata"
        ) or {}
        product = items[0].get("price_data", {}).get("product_data", {})
        session["_description"] = product.get("name")
        session["_product_description"] = product.get("description") or ""
        self.store(data, session, livemode)
        return session

    def expire_session(self, data: AccountData, session_id: str) -> dict:
        session = self.get(data, "checkout session", session_id, "cs_")
        if session["status"] != "open":
            raise StripeError(
                400,
                f"Only Checkout Sessions with a status of 'open' can be "
                f"expired. This session has status '{session['status']}'.",
            )
        session.update(status="expired", url=None)
        self.emit(data.account["id"], "checkout.session.expired", session)
        return session

    def pay_session(self, account_id: str, session_id: str, card: str) -> dict:
        with self.lock:
            self.sweep()
            data = self.accounts[account_id]
            session = self.get(data, "checkout session", session_id, "cs_")
            if session["status"] != "open":
                raise StripeError(400, "This Checkout Session is no longer active.")
            intent = self._payment_intent(
                data,
                session["amount_total"],
                session["currency"],
                session["customer"],
                session["_description"],
                session["_payment_intent_metadata"],
                card,
            )
            session["payment_intent"] = intent["id"]
            if intent["status"] != "succeeded":
                self.emit(account_id, "payment_intent.payment_failed", intent)
                return intent
            session.update(status="complete", payment_status="paid")
            self.emit(account_id, "payment_intent.succeeded", intent)
            self.emit(account_id, "checkout.session.completed", session)
            return intent

    def sweep(self) -> None:
        """Expire checkout sessions whose time has come, as Stripe does on its own."""
        with self.lock:
            for data in self.accounts.values():
                for obj in list(data.objects.values()):
                    if (
                        obj.get("object") == "checkout.session"
                        and obj["status"] == "open"
                        and obj["expires_at"] <= self.now()
                    ):
                        self.expire_session(data, obj["id"])
