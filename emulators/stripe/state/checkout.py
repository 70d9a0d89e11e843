"""Checkout Sessions: one-off payment pages that expire (setup mode: ``setup_intents.py``;
subscription mode: ``subscriptions.py``)."""

from __future__ import annotations

from emulators.stripe.objects import build, list_object, new_id
from emulators.stripe.state.core import (
    CHECKOUT_DEFAULT_TTL,
    CHECKOUT_LOCALES,
    AccountData,
    StripeError,
    _int,
    public,
)
from emulators.stripe.state.tax_rates import tax_on


class CheckoutMixin:
    """Checkout Sessions in payment mode, paid on the emulator's Checkout page."""

    def create_checkout_session(self, data: AccountData, params: dict, livemode: bool) -> dict:
        mode = params.get("mode", "payment")
        if mode not in ("payment", "setup", "subscription"):
            raise StripeError(
                400, "The emulator supports mode=payment, setup and subscription.", param="mode"
            )
        success_url = params.get("success_url") or ""
        if not success_url.startswith(("http://", "https://")):
            raise StripeError(400, "Not a valid URL", param="success_url")
        if mode == "setup":
            return self.create_setup_session(data, params, livemode)
        if mode == "subscription":
            return self.create_subscription_session(data, params, livemode)
        items = params.get("line_items") or []
        if not items:
            raise StripeError(400, "Missing required param: line_items.", param="line_items")
        lines = [self._checkout_line(data, index, item) for index, item in enumerate(items)]
        if len({line["currency"] for line in lines}) != 1:
            raise StripeError(400, "All line items must use the same currency.", param="line_items")
        currency = lines[0]["currency"]
        subtotal = sum(line["amount_subtotal"] for line in lines)
        tax = sum(line["amount_tax"] for line in lines)
        if subtotal + tax < 1:
            raise StripeError(
                400, "The Checkout Session's total amount must be positive.", param="line_items"
            )
        expires_at, locale = self._session_expiry(params), self._session_locale(params)
        session_id = new_id("checkout.session", livemode)
        session = build(
            "checkout.session",
            id=session_id,
            amount_subtotal=subtotal,
            amount_total=subtotal + tax,
            total_details={"amount_discount": 0, "amount_shipping": 0, "amount_tax": tax},
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
        session["_line_items"] = lines
        product = items[0].get("price_data", {}).get("product_data", {})
        session["_description"] = product.get("name")
        session["_product_description"] = product.get("description") or ""
        self.store(data, session, livemode)
        return session

    def _session_expiry(self, params: dict) -> int:
        expires_at = _int(params.get("expires_at"), "expires_at") or (
            self.now() + CHECKOUT_DEFAULT_TTL
        )
        if not 1800 <= expires_at - self.now() <= CHECKOUT_DEFAULT_TTL:
            raise StripeError(
                400,
                "expires_at must be between 30 minutes and 24 hours from now.",
                param="expires_at",
            )
        return expires_at

    @staticmethod
    def _session_locale(params: dict) -> str | None:
        locale = params.get("locale") or None
        if locale is not None and locale not in CHECKOUT_LOCALES:
            raise StripeError(
                400,
                f"Invalid locale: must be one of {', '.join(CHECKOUT_LOCALES[:-1])}, "
                f"or {CHECKOUT_LOCALES[-1]}",
                param="locale",
            )
        return locale

    def _checkout_line(self, data: AccountData, index: int, item: dict) -> dict:
        """One of a session's ``line_items`` as Checkout keeps it (an ``item``), its taxes
        (``_taxes``, Stripe's ``line_items.data.taxes``) computed line by line."""
        param = f"line_items[{index}]"
        price = item.get("price_data") or {}
        unit_amount = _int(price.get("unit_amount"), f"{param}[price_data][unit_amount]")
        if unit_amount is None or unit_amount < 0:
            raise StripeError(
                400, "unit_amount must be a non-negative integer",
                param=f"{param}[price_data][unit_amount]",
            )  # fmt: skip
        quantity = _int(item.get("quantity"), f"{param}[quantity]")
        if quantity is None or quantity < 1:
            raise StripeError(
                400, "quantity must be a positive integer", param=f"{param}[quantity]"
            )
        currency = (price.get("currency") or "").lower()
        if len(currency) != 3:
            raise StripeError(
                400, "Missing required param: currency.", param=f"{param}[price_data][currency]"
            )
        rates = self.tax_rates_for(data, item.get("tax_rates"), f"{param}[tax_rates]")
        amount = unit_amount * quantity
        taxes = [
            {"amount": tax_on(amount, rate), "rate": dict(rate),
             "taxability_reason": None, "taxable_amount": amount}
            for rate in rates
        ]  # fmt: skip
        product = price.get("product_data") or {}
        one_off = {
            "active": False, "currency": currency, "created": self.now(), "id": new_id("price"),
            "type": "one_time", "unit_amount": unit_amount, "unit_amount_decimal": str(unit_amount),
            "recurring": None, "transform_quantity": None, "custom_unit_amount": None,
            "tax_behavior": "exclusive" if rates else "unspecified", "billing_scheme": "per_unit",
            "livemode": bool(data.account.get("_livemode")),
        }  # fmt: skip
        return self.checkout_item(one_off, quantity, taxes, product.get("name"),
                                  product.get("description"))  # fmt: skip

    def checkout_item(self, price: dict, quantity: int, taxes: list[dict], name: str | None,
                      product_description: str | None) -> dict:  # fmt: skip
        """A session's line (an ``item``) for ``quantity`` of ``price``, with its taxes."""
        amount = price["unit_amount"] * quantity
        tax = sum(entry["amount"] for entry in taxes)
        line = build(
            "item",
            id=new_id("item"),
            amount_discount=0,
            amount_subtotal=amount,
            amount_tax=tax,
            amount_total=amount + tax,
            currency=price["currency"],
            description=name,
            quantity=quantity,
            metadata=None,
            adjustable_quantity=None,
        )
        line["price"].update(price)
        line["_taxes"] = taxes
        line["_product_description"] = product_description or ""
        return line

    def session_line_items(self, data: AccountData, session_id: str, expand, url: str) -> dict:
        """``GET /v1/checkout/sessions/:id/line_items``; ``data.taxes`` only when expanded."""
        session = self.get(data, "checkout session", session_id, "cs_")
        rows = []
        for line in session.get("_line_items") or ():
            row = public(line)
            if "data.taxes" in (expand or ()):
                row["taxes"] = line["_taxes"]
            rows.append(row)
        return list_object(rows, url)

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
            if session["mode"] != "payment":
                raise StripeError(400, "A Checkout Session in setup mode takes no payment.")
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
