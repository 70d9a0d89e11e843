"""Subscriptions: started through Checkout in subscription mode, switched between prices
(prorated), cancelled now or at the period's end, renewed period after period.

On the Checkout page (``subscription_pages.py``) the client types a card. A card that would be
declined is refused there and nothing is created; otherwise, in Stripe's order: the customer
(when the session had only an email), ``payment_method.attached``, ``customer.updated`` (the
card becomes the customer's default), ``customer.subscription.created`` (``incomplete``), the
first invoice (``invoice.created``, ``invoice.finalized``, the payment's events,
``invoice.payment_succeeded``, ``invoice.paid``), ``customer.subscription.updated``
(``active``), ``checkout.session.completed``. As in Stripe's current API, the billing period
is on the subscription's items (``items.data[].current_period_start`` / ``_end``).

Stripe renews a subscription when its period ends; here a test asks for it
(``POST /_emulator/subscriptions/<id>/renew``), which moves the subscription to its next
period without touching the emulator's clock.
"""

from __future__ import annotations

import copy

from emulators.stripe.objects import build, new_id, page_of
from emulators.stripe.state.cards import CHARGE_FAILS, DECLINED, TEST_CARDS, declined, read_card
from emulators.stripe.state.core import AccountData, StripeError, _bool, _int, public
from emulators.stripe.state.periods import period_boundary
from emulators.stripe.state.subscription_billing import subscription_items

PRORATION_BEHAVIORS = ("create_prorations", "none", "always_invoice")
LIVE = ("active", "past_due", "incomplete", "trialing", "unpaid")


class SubscriptionsMixin:
    """Subscriptions of a connected account's customers, one price each."""

    # ---- Checkout in subscription mode ----------------------------------------------------
    def create_subscription_session(self, data: AccountData, params: dict, livemode: bool):
        items = params.get("line_items") or []
        if len(items) != 1 or not items[0].get("price"):
            raise StripeError(400, "The emulator subscribes to one price: line_items[0][price].",
                              param="line_items")  # fmt: skip
        price = self.price(data, items[0]["price"], "line_items[0][price]")
        if price["type"] != "recurring" or not price["active"]:
            raise StripeError(
                400, "You must specify at least one active recurring price in `subscription` "
                "mode.", param="line_items[0][price]",
            )  # fmt: skip
        quantity = _int(items[0].get("quantity"), "line_items[0][quantity]") or 1
        if params.get("customer"):
            self.get(data, "customer", params["customer"], "cus_")
        product = self.product(data, price["product"])
        line = self.checkout_item(public(price), quantity, [], product["name"],
                                  product["description"])  # fmt: skip
        session_id = new_id("checkout.session", livemode)
        session = build(
            "checkout.session",
            id=session_id,
            amount_subtotal=line["amount_subtotal"], amount_total=line["amount_total"],
            total_details={"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            cancel_url=params.get("cancel_url"), success_url=params["success_url"],
            client_reference_id=params.get("client_reference_id"), created=self.now(),
            currency=price["currency"], customer=params.get("customer"),
            customer_email=params.get("customer_email"),
            expires_at=self._session_expiry(params), locale=self._session_locale(params),
            metadata=params.get("metadata") or {}, mode="subscription",
            payment_method_types=["card"], payment_status="unpaid", status="open",
            subscription=None, invoice=None, url=f"{self.public_url}/c/subscribe/{session_id}",
        )  # fmt: skip
        session["_line_items"] = [line]
        session["_subscription_metadata"] = (params.get("subscription_data") or {}).get(
            "metadata"
        ) or {}
        return self.store(data, session, livemode)

    def subscribe(self, account_id: str, session_id: str, form: dict) -> dict:
        """The client typed a card on the subscription page; returns the subscription.
        Raises the card's ``StripeError`` (402) when it was refused: nothing is created."""
        with self.lock:
            self.sweep()
            data = self.accounts[account_id]
            session = self.get(data, "checkout session", session_id, "cs_")
            if session["mode"] != "subscription" or session["status"] != "open":
                raise StripeError(400, "This Checkout Session is no longer active.")
            number, month, year = read_card(
                form.get("card", ""), form.get("exp", ""), form.get("cvc", ""), self.now()
            )
            if TEST_CARDS[number][1] in (DECLINED, CHARGE_FAILS):
                raise declined()
            method = self.create_card_method(data, number, month, year, form.get("name"))
            customer = self._session_customer(data, session)
            self.attach_payment_method(data, method["id"], customer["id"])
            self.set_default_payment_method(data, customer, method["id"])
            line = session["_line_items"][0]
            subscription = self.start_subscription(
                data, customer, line["price"]["id"], line["quantity"], method,
                session["_subscription_metadata"],
            )  # fmt: skip
            session.update(status="complete", payment_status="paid", customer=customer["id"],
                           subscription=subscription["id"],
                           invoice=subscription["latest_invoice"])  # fmt: skip
            self.emit(account_id, "checkout.session.completed", session)
            return subscription

    def _session_customer(self, data: AccountData, session: dict) -> dict:
        if session["customer"]:
            return data.objects[session["customer"]]
        return self.create_customer(data, {"email": session["customer_email"]},
                                    session["livemode"])  # fmt: skip

    def start_subscription(self, data: AccountData, customer: dict, price_id: str,
                           quantity: int, method: dict, metadata: dict) -> dict:  # fmt: skip
        price = self.price(data, price_id)
        start = self.now()
        subscription_id = new_id("subscription")
        end = period_boundary(start, price["recurring"], 1)
        item = self.subscription_item(price, quantity, subscription_id, start, end)
        subscription = build(
            "subscription",
            id=subscription_id,
            application=None, application_fee_percent=None,
            automatic_tax={"enabled": False, "liability": None, "disabled_reason": None},
            billing_cycle_anchor=start, billing_cycle_anchor_config=None, billing_mode=None,
            billing_schedules=[], billing_thresholds=None, cancel_at=None,
            cancel_at_period_end=False, canceled_at=None,
            cancellation_details={"comment": None, "feedback": None, "reason": None},
            collection_method="charge_automatically", created=start,
            currency=price["currency"], customer=customer["id"], customer_account=None,
            days_until_due=None, default_payment_method=method["id"], default_source=None,
            default_tax_rates=[], description=None, discounts=[], ended_at=None,
            invoice_settings={"account_tax_ids": None, "issuer": {"type": "self"},
                              "custom_fields": None, "description": None, "footer": None},
            items=subscription_items(subscription_id, [item]), latest_invoice=None,
            managed_payments=None, metadata=dict(metadata), next_pending_invoice_item_invoice=None,
            on_behalf_of=None, pause_collection=None,
            payment_settings={"payment_method_options": None, "payment_method_types": None,
                              "save_default_payment_method": "off"},
            pending_invoice_item_interval=None, pending_setup_intent=None, pending_update=None,
            schedule=None, start_date=start, status="incomplete", test_clock=None,
            transfer_data=None, trial_end=None, trial_settings=None, trial_start=None,
        )  # fmt: skip
        subscription["_periods"] = 1  # how many periods from the anchor the current one ends
        self.store(data, subscription, customer["livemode"])
        invoice = self.subscription_draft(
            data, subscription, "subscription_create",
            [self.period_line(data, subscription, item)], (start, start),
        )  # fmt: skip
        subscription["latest_invoice"] = invoice["id"]
        self.emit(data.account["id"], "customer.subscription.created", subscription)
        paid = self.collect(data, invoice, subscription, on_session=True)
        self._set_status(data, subscription, "active" if paid else "incomplete")
        return subscription

    def _set_status(self, data: AccountData, subscription: dict, status: str) -> None:
        if subscription["status"] != status:
            previous = {"status": subscription["status"]}
            subscription["status"] = status
            self.emit(data.account["id"], "customer.subscription.updated", subscription, previous)

    # ---- the API ----------------------------------------------------------------------------
    def subscription(self, data: AccountData, subscription_id: str) -> dict:
        return self.get(data, "subscription", subscription_id, "sub_")

    def list_subscriptions(self, data: AccountData, params: dict, url: str) -> dict:
        """Newest first; by default the ones not canceled (``status=all``: every one)."""
        status = params.get("status") or ""
        rows = [
            public(obj) for obj in reversed(data.objects.values())
            if obj.get("object") == "subscription"
            and (status in (obj["status"], "all") or (not status and obj["status"] in LIVE))
            and (not params.get("customer") or obj["customer"] == params["customer"])
            and (not params.get("price")
                 or obj["items"]["data"][0]["price"]["id"] == params["price"])
        ]  # fmt: skip
        return page_of(rows, params, url)

    def update_subscription(self, data: AccountData, subscription_id: str, params: dict):
        subscription = self.subscription(data, subscription_id)
        if subscription["status"] == "canceled":
            raise StripeError(
                400, "A canceled subscription can only update its cancellation_details and "
                "metadata.",
            )  # fmt: skip
        before = copy.deepcopy(public(subscription))
        if "cancel_at_period_end" in params:
            self._cancel_at_period_end(subscription, _bool(params["cancel_at_period_end"]))
        if "default_payment_method" in params:
            subscription["default_payment_method"] = self._default_method(
                data, subscription, params["default_payment_method"]
            )
        subscription["metadata"].update(params.get("metadata") or {})
        invoice = self._switch(data, subscription, params) if params.get("items") else None
        previous = {key: before[key] for key in before if before[key] != subscription[key]}
        if previous:
            self.emit(data.account["id"], "customer.subscription.updated", subscription, previous)
        if invoice is not None and not self.collect(data, invoice, subscription):
            self._set_status(data, subscription, "past_due")
        self.save()
        return subscription

    def _cancel_at_period_end(self, subscription: dict, cancel: bool) -> None:
        period_end = subscription["items"]["data"][0]["current_period_end"]
        subscription.update(
            cancel_at_period_end=cancel, cancel_at=period_end if cancel else None,
            canceled_at=self.now() if cancel else None,
            cancellation_details=dict(subscription["cancellation_details"],
                                      reason="cancellation_requested" if cancel else None),
        )  # fmt: skip

    def _default_method(self, data: AccountData, subscription: dict, method_id: str):
        if not method_id:
            return None
        method = data.objects.get(method_id)
        if method is None or method.get("customer") != subscription["customer"]:
            raise StripeError(
                400,
                f"The customer does not have a payment method with the ID {method_id}. "
                "The payment method must be attached to the customer.",
                param="default_payment_method",
            )
        return method_id

    def _switch(self, data: AccountData, subscription: dict, params: dict) -> dict | None:
        """``items[0][id]`` to ``items[0][price]`` (and quantity), prorated as asked; the
        invoice to collect when ``always_invoice`` bills the prorations at once."""
        wanted = params["items"][0]
        old = subscription["items"]["data"][0]
        if wanted.get("id") != old["id"]:
            raise StripeError(400, "The emulator switches the subscription's item: "
                              "give items[0][id].", param="items[0][id]")  # fmt: skip
        price = self.price(data, wanted.get("price") or old["price"]["id"], "items[0][price]")
        if price["type"] != "recurring" or price["currency"] != subscription["currency"]:
            raise StripeError(400, "The new price must be recurring, in the subscription's "
                              "currency.", param="items[0][price]")  # fmt: skip
        if price["recurring"]["interval"] != old["price"]["recurring"]["interval"] or (
            price["recurring"]["interval_count"] != old["price"]["recurring"]["interval_count"]
        ):
            raise StripeError(400, "The emulator switches between prices of the same interval.",
                              param="items[0][price]")  # fmt: skip
        behavior = params.get("proration_behavior") or "create_prorations"
        if behavior not in PRORATION_BEHAVIORS:
            raise StripeError(400, f"Invalid proration_behavior: {behavior}",
                              param="proration_behavior")  # fmt: skip
        start, end = old["current_period_start"], old["current_period_end"]
        moment = _int(params.get("proration_date"), "proration_date") or self.now()
        if not start <= moment <= end:
            raise StripeError(400, "proration_date must be within the current period.",
                              param="proration_date")  # fmt: skip
        quantity = _int(wanted.get("quantity"), "items[0][quantity]") or old["quantity"]
        new = self.subscription_item(price, quantity, subscription["id"], start, end, old["id"])
        new["created"] = old["created"]
        if behavior != "none":
            self.prorate(data, subscription, old, new, moment)
        subscription["items"]["data"] = [new]
        if behavior != "always_invoice":
            return None
        invoice = self.subscription_draft(data, subscription, "subscription_update", [],
                                          (moment, moment))  # fmt: skip
        subscription["latest_invoice"] = invoice["id"]
        return invoice

    def cancel_subscription(self, data: AccountData, subscription_id: str) -> dict:
        """``DELETE``: canceled now, no refund or proration (Stripe's default)."""
        subscription = self.subscription(data, subscription_id)
        if subscription["status"] == "canceled":
            raise StripeError(400, "This subscription is already canceled.",
                              code="resource_missing")  # fmt: skip
        now = self.now()
        subscription.update(
            status="canceled", canceled_at=now, ended_at=now,
            cancellation_details=dict(subscription["cancellation_details"],
                                      reason="cancellation_requested"),
        )  # fmt: skip
        self.emit(data.account["id"], "customer.subscription.deleted", subscription)
        return subscription

    # ---- renewal ------------------------------------------------------------------------------
    def renew(self, account_id: str, subscription_id: str) -> dict:
        """The subscription's period ends: it is canceled if so asked, else it moves to its
        next period, whose invoice is charged on the default payment method (declined: the
        invoice stays open and the subscription is ``past_due``)."""
        with self.lock:
            data = self.accounts[account_id]
            subscription = self.subscription(data, subscription_id)
            if subscription["status"] not in ("active", "past_due"):
                raise StripeError(400, f"A {subscription['status']} subscription does not renew.")
            item = subscription["items"]["data"][0]
            ended = item["current_period_end"]
            if subscription["cancel_at_period_end"]:
                subscription.update(status="canceled", ended_at=ended)
                self.emit(account_id, "customer.subscription.deleted", subscription)
                return subscription
            before = copy.deepcopy(public(subscription))
            subscription["_periods"] += 1
            following = period_boundary(
                subscription["billing_cycle_anchor"], item["price"]["recurring"],
                subscription["_periods"],
            )  # fmt: skip
            item.update(current_period_start=ended, current_period_end=following)
            invoice = self.subscription_draft(
                data, subscription, "subscription_cycle",
                [self.period_line(data, subscription, item)],
                (before["items"]["data"][0]["current_period_start"], ended),
            )  # fmt: skip
            subscription["latest_invoice"] = invoice["id"]
            previous = {key: before[key] for key in ("items", "latest_invoice")}
            self.emit(account_id, "customer.subscription.updated", subscription, previous)
            paid = self.collect(data, invoice, subscription)
            self._set_status(data, subscription, "active" if paid else "past_due")
            return subscription
