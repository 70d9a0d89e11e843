"""What a subscription bills: its items, its invoices (first, renewal, proration), prorations
as pending invoice items, and the charge of an invoice on a saved card.

An invoice of a subscription is built whole before it is told of (``invoice.created`` carries
its lines), then finalised and charged at once on the subscription's default payment method,
else the customer's. A customer's credit (a negative ``balance``, left by a downgrade billed
at once) lowers the next invoice's ``amount_due``, as on Stripe.
"""

from __future__ import annotations

from datetime import UTC, datetime

from emulators.stripe.objects import build, list_object, new_id
from emulators.stripe.state.cards import AUTHENTICATES
from emulators.stripe.state.core import AccountData, StripeError, public
from emulators.stripe.state.invoice_items import recompute_totals
from emulators.stripe.state.periods import prorated


def plan_of(price: dict) -> dict:
    """The ``plan`` Stripe still shows beside a recurring price: the same price, older names."""
    recurring = price["recurring"]
    return {
        "id": price["id"], "object": "plan", "active": price["active"],
        "amount": price["unit_amount"], "amount_decimal": price["unit_amount_decimal"],
        "billing_scheme": "per_unit", "created": price["created"], "currency": price["currency"],
        "interval": recurring["interval"], "interval_count": recurring["interval_count"],
        "livemode": price["livemode"], "metadata": dict(price["metadata"]), "meter": None,
        "nickname": price["nickname"], "product": price["product"], "tiers_mode": None,
        "transform_usage": None, "trial_period_days": None, "usage_type": "licensed",
    }  # fmt: skip


def price_details(price: dict) -> dict:
    """A line's or an item's ``pricing``: which price (and product) it bills."""
    return {"type": "price_details", "unit_amount_decimal": price["unit_amount_decimal"],
            "price_details": {"price": price["id"], "product": price["product"]}}  # fmt: skip


def day_of(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%-d %b %Y")


class SubscriptionBillingMixin:
    """Subscription items, their invoices and prorations."""

    def subscription_item(self, price: dict, quantity: int, subscription_id: str, start: int,
                          end: int, item_id: str | None = None) -> dict:  # fmt: skip
        return build(
            "subscription_item",
            id=item_id or new_id("subscription_item"), created=self.now(), discounts=[],
            metadata={}, price=public(price), plan=plan_of(price), quantity=quantity,
            subscription=subscription_id, tax_rates=[], current_period_start=start,
            current_period_end=end, billing_thresholds=None,
        )  # fmt: skip

    def period_line(self, data: AccountData, subscription: dict, item: dict) -> dict:
        """The line billing ``item`` for its current period, in advance."""
        price = item["price"]
        name = self.product(data, price["product"])["name"]
        amount = price["unit_amount"] * item["quantity"]
        return self._line(
            subscription, item, amount, f"{item['quantity']} × {name}",
            {"start": item["current_period_start"], "end": item["current_period_end"]},
            price, item["quantity"], invoice_item=None,
        )  # fmt: skip

    def _line(self, subscription, item, amount, description, period, price, quantity,
              invoice_item) -> dict:  # fmt: skip
        return build(
            "line_item",
            id=new_id("line_item"), amount=amount, subtotal=amount,
            currency=subscription["currency"], description=description, discountable=True,
            livemode=subscription["livemode"], metadata={}, period=period, quantity=quantity,
            quantity_decimal=str(quantity), subscription=subscription["id"], taxes=[],
            pretax_credit_amounts=[], pricing=price_details(price),
            parent={
                "type": "subscription_item_details",
                "invoice_item_details": None,
                "subscription_item_details": {
                    "invoice_item": invoice_item["id"] if invoice_item else None,
                    "proration": bool(invoice_item and invoice_item["proration"]),
                    "proration_details": {"credited_items": None},
                    "subscription": subscription["id"], "subscription_item": item["id"],
                },
            },
        )  # fmt: skip

    # ---- prorations -----------------------------------------------------------------------
    def prorate(self, data: AccountData, subscription: dict, old: dict, new: dict,
                moment: int) -> list[dict]:  # fmt: skip
        """Pending invoice items for switching ``old`` to ``new`` (subscription items) at
        ``moment``: a credit for the old price's unused time, a charge for the new one's."""
        start, end = old["current_period_start"], old["current_period_end"]
        items = []
        for item, sign, words in ((old, -1, "Unused time on"), (new, 1, "Remaining time on")):
            price = item["price"]
            amount = sign * prorated(price["unit_amount"] * item["quantity"],
                                     subscription["currency"], start, end, moment)  # fmt: skip
            name = self.product(data, price["product"])["name"]
            description = f"{words} {item['quantity']} × {name} after {day_of(moment)}"
            items.append(self._proration_item(data, subscription, item, amount, description,
                                              {"start": moment, "end": end}))  # fmt: skip
        return items

    def _proration_item(self, data, subscription, item, amount, description, period) -> dict:
        price = item["price"]
        invoice_item = build(
            "invoiceitem",
            id=new_id("invoiceitem"), amount=amount, currency=subscription["currency"],
            customer=subscription["customer"], date=self.now(), description=description,
            discountable=False, invoice=None, metadata={}, net_amount=amount, period=period,
            proration=True, quantity=item["quantity"], quantity_decimal=str(item["quantity"]),
            tax_rates=[], test_clock=None, customer_account=None, pricing=price_details(price),
            parent={"type": "subscription_details",
                    "subscription_details": {"subscription": subscription["id"],
                                             "subscription_item": item["id"]}},
        )  # fmt: skip
        invoice_item["_subscription_item"] = item
        self.store(data, invoice_item, subscription["livemode"])
        self.emit(data.account["id"], "invoiceitem.created", invoice_item)
        return invoice_item

    def pending_items(self, data: AccountData, subscription_id: str) -> list[dict]:
        return [
            obj for obj in data.objects.values()
            if obj.get("object") == "invoiceitem" and obj["invoice"] is None
            and (obj["parent"] or {}).get("subscription_details", {}).get("subscription")
            == subscription_id
        ]  # fmt: skip

    # ---- invoices -------------------------------------------------------------------------
    def subscription_draft(self, data: AccountData, subscription: dict, reason: str,
                           lines: list[dict], period: tuple[int, int]) -> dict:  # fmt: skip
        """A draft invoice of ``subscription`` with ``lines`` and its pending items, not yet
        told of (``collect`` does)."""
        invoice = self.new_invoice(
            data,
            {"customer": subscription["customer"], "currency": subscription["currency"],
             "auto_advance": "true"},
            subscription["livemode"],
        )  # fmt: skip
        invoice.update(
            billing_reason=reason, subscription=subscription["id"],
            period_start=period[0], period_end=period[1],
            parent={"type": "subscription_details", "quote_details": None,
                    "subscription_details": {"metadata": dict(subscription["metadata"]),
                                             "subscription": subscription["id"]}},
        )  # fmt: skip
        for invoice_item in self.pending_items(data, subscription["id"]):
            invoice_item["invoice"] = invoice["id"]
            lines.append(self._line(
                subscription, invoice_item["_subscription_item"], invoice_item["amount"],
                invoice_item["description"], invoice_item["period"],
                invoice_item["_subscription_item"]["price"], invoice_item["quantity"],
                invoice_item,
            ))  # fmt: skip
        for line in lines:
            line["invoice"] = invoice["id"]
        invoice["lines"]["data"] = lines
        recompute_totals(invoice)
        self._apply_balance(data, invoice)
        return invoice

    def _apply_balance(self, data: AccountData, invoice: dict) -> None:
        """The customer's balance (negative: a credit) goes into this invoice; a negative
        total goes back to the balance."""
        customer = data.objects[invoice["customer"]]
        starting = customer["balance"]
        owed = invoice["total"] + starting
        invoice.update(starting_balance=starting, ending_balance=min(owed, 0),
                       amount_due=max(owed, 0), amount_remaining=max(owed, 0))  # fmt: skip
        if starting != min(owed, 0):
            customer["balance"] = min(owed, 0)
            self.emit(data.account["id"], "customer.updated", customer, {"balance": starting})

    def collect(self, data: AccountData, invoice: dict, subscription: dict, *,
                on_session: bool = False) -> bool:  # fmt: skip
        """Tells of the draft, finalises it and charges it on the default payment method;
        True when it is paid."""
        self.emit(data.account["id"], "invoice.created", invoice)
        self.finalize_invoice(data, invoice["id"])
        if invoice["status"] == "paid":  # nothing was due
            return True
        customer = data.objects[subscription["customer"]]
        method_id = (subscription["default_payment_method"]
                     or customer["invoice_settings"]["default_payment_method"])  # fmt: skip
        if not method_id:
            self.emit(data.account["id"], "invoice.payment_failed", invoice)
            return False
        return self.charge_invoice(data, invoice, data.objects[method_id], on_session=on_session)

    def charge_invoice(self, data: AccountData, invoice: dict, method: dict, *,
                       on_session: bool = False) -> bool:  # fmt: skip
        """Charges an open invoice's ``amount_remaining`` on a saved card; True when paid.
        Off-session, a card that asks for authentication fails as Stripe's does; on-session
        (the client on the Checkout page) the emulator takes it as authenticated there."""
        intent = self.create_payment_intent(
            data,
            {"amount": invoice["amount_remaining"], "currency": invoice["currency"],
             "customer": invoice["customer"], "payment_method": method["id"],
             "description": _intent_description(invoice["billing_reason"])},
            invoice["livemode"],
        )  # fmt: skip
        payment = self._invoice_payment(data, invoice, intent)
        if on_session and method["_outcome"] == AUTHENTICATES:
            self._payment_succeeded(data, intent, method)
        else:
            try:
                self._confirm_payment(data, intent, method, {"off_session": "true"})
            except StripeError:
                pass  # the intent holds the failure; the invoice tells of it below
        if intent["status"] != "succeeded":
            invoice["next_payment_attempt"] = None
            self.emit(data.account["id"], "invoice.payment_failed", invoice)
            return False
        self._invoice_payment_paid(data, invoice, payment, intent)
        return True


def _intent_description(billing_reason: str) -> str:
    reasons = {
        "subscription_create": "Subscription creation",
        "subscription_cycle": "Subscription cycle",
        "subscription_update": "Subscription update",
    }
    return reasons.get(billing_reason, "Subscription")


def subscription_items(subscription_id: str, items: list[dict]) -> dict:
    return list_object(items, f"/v1/subscription_items?subscription={subscription_id}")
