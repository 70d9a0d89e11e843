"""Subscriptions on a connected Stripe account: plans as recurring prices, Checkout in
subscription mode, cancellation at the period's end and prorated plan switches.

A mixin of ``StripePlatform`` (it uses ``self.api``, ``self._options`` and ``self._key``).
Stripe keeps a subscription's period on its item (``items.data[0].current_period_end``).
"""

from __future__ import annotations

from connectors.base import (
    ClientRef,
    RecurringPrice,
    RemoteSubscription,
    RemoteSubscriptionInvoice,
)
from connectors.money import minor_units
from connectors.stripe.client import translated_errors
from connectors.stripe.events import _money, _when

# Enough for two years of monthly renewals; older ones stay on the platform's own pages.
INVOICES_SHOWN = 24


def remote_subscription(data) -> RemoteSubscription:
    item = data["items"]["data"][0]
    end = item.get("current_period_end")
    return RemoteSubscription(
        remote_id=data["id"],
        status=data["status"],
        price_id=item["price"]["id"],
        customer_id=data.get("customer") or "",
        current_period_end=_when(end) if end else None,
        cancel_at_period_end=bool(data.get("cancel_at_period_end")),
        metadata=dict(data.get("metadata") or {}),
    )


def remote_subscription_invoice(data) -> RemoteSubscriptionInvoice:
    return RemoteSubscriptionInvoice(
        remote_id=data["id"],
        number=data.get("number") or "",
        created=_when(data["created"]),
        amount=_money(data.get("total"), data["currency"]),
        status=data["status"],
        url=data.get("hosted_invoice_url") or "",
    )


def _subscription_of(invoice) -> str:
    # Newer API versions name it only under ``parent.subscription_details``.
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return invoice.get("subscription") or details.get("subscription") or ""


class StripeSubscriptions:
    def ensure_plan_price(self, plan: RecurringPrice) -> str:
        # The idempotency key names the plan and what is priced: a changed price is a new one.
        key = self._key(
            f"plan:{plan.local_id}:{plan.amount.amount}:{plan.amount.currency}:"
            f"{plan.interval}:{plan.interval_count}"
        )
        with translated_errors():
            product = self.api.products.create(
                {
                    "name": plan.name,
                    "default_price_data": {
                        "currency": plan.amount.currency.lower(),
                        "unit_amount": minor_units(plan.amount.amount, plan.amount.currency),
                        "recurring": {
                            "interval": plan.interval,
                            "interval_count": plan.interval_count,
                        },
                    },
                    "metadata": {"plan_id": str(plan.local_id)},
                },
                self._options(key),
            )
        return product["default_price"]

    def create_subscription_link(
        self, client: ClientRef, price_id: str, success_url: str, cancel_url: str,
        metadata: dict[str, str] | None = None,
    ) -> str:  # fmt: skip
        customer_id = self.ensure_customer(client)
        with translated_errors():
            session = self.api.checkout.sessions.create(
                {
                    "mode": "subscription",
                    "customer": customer_id,
                    "line_items": [{"price": price_id, "quantity": 1}],
                    "success_url": success_url,
                    "cancel_url": cancel_url,
                    "subscription_data": {"metadata": dict(metadata or {})},
                },
                self._options(),
            )
        return session["url"]

    def fetch_subscription(self, remote_id: str) -> RemoteSubscription:
        with translated_errors():
            data = self.api.subscriptions.retrieve(remote_id, {}, self._options())
        return remote_subscription(data)

    def cancel_subscription_at_period_end(self, remote_id: str) -> RemoteSubscription:
        with translated_errors():
            data = self.api.subscriptions.update(
                remote_id, {"cancel_at_period_end": True}, self._options()
            )
        return remote_subscription(data)

    def switch_subscription_plan(self, remote_id: str, price_id: str) -> RemoteSubscription:
        with translated_errors():
            current = self.api.subscriptions.retrieve(remote_id, {}, self._options())
            item = current["items"]["data"][0]
            if item["price"]["id"] == price_id:
                return remote_subscription(current)
            data = self.api.subscriptions.update(
                remote_id,
                {
                    "items": [{"id": item["id"], "price": price_id}],
                    "proration_behavior": "create_prorations",
                },
                self._options(),
            )
        return remote_subscription(data)

    def subscription_invoices(
        self, customer_id: str, subscription_id: str
    ) -> list[RemoteSubscriptionInvoice]:
        # Listed by customer, kept by subscription here: the list's ``subscription`` filter
        # is one the emulator lacks, and the customer's one-off invoices are not these.
        with translated_errors():
            page = self.api.invoices.list(
                {"customer": customer_id, "limit": INVOICES_SHOWN}, self._options()
            )
        invoices = [
            remote_subscription_invoice(data)
            for data in page["data"]
            if _subscription_of(data) == subscription_id and data["status"] != "draft"
        ]
        return sorted(invoices, key=lambda invoice: invoice.created, reverse=True)
