"""What a connected Stripe account's events say, normalised for billing.

A mixin of ``StripePlatform``: the interface's ``normalise``, ``recent_events`` and
``connection_event`` (webhooks and reconciliation), apart from the calls that create things.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from connectors.base import (
    ConnectionEvent,
    ConnectionEventKind,
    EventKind,
    InboundPayload,
    Money,
    PaymentInfo,
    PlatformError,
    RemoteStatus,
    WebhookEvent,
)
from connectors.money import from_minor_units
from connectors.stripe.app import StripeApp
from connectors.stripe.client import translated_errors

INVOICE_STATUSES = {
    "draft": RemoteStatus.DRAFT,
    "open": RemoteStatus.OPEN,
    "paid": RemoteStatus.PAID,
    "void": RemoteStatus.VOID,
    "uncollectible": RemoteStatus.UNCOLLECTIBLE,
}


def _when(timestamp) -> datetime:
    return datetime.fromtimestamp(int(timestamp or time.time()), UTC)


def _money(minor: int | None, currency: str) -> Money:
    return Money(from_minor_units(int(minor or 0), currency), currency.upper())


DECLINE_REASONS = {
    "card_declined": gettext_lazy("The card was declined."),
    "insufficient_funds": gettext_lazy("The card has insufficient funds."),
    "expired_card": gettext_lazy("The card has expired."),
    "incorrect_cvc": gettext_lazy("The card's security code is incorrect."),
    "incorrect_number": gettext_lazy("The card number is incorrect."),
    "lost_card": gettext_lazy("The card was declined."),
    "stolen_card": gettext_lazy("The card was declined."),
    "processing_error": gettext_lazy("An error occurred while processing the card."),
    "authentication_required": gettext_lazy("The bank asked the client to confirm the payment."),
}


def decline_reason(error: dict) -> str:
    """Why a payment failed, from a ``last_payment_error``: in our words when we know the
    code (``decline_code`` first, it is the more precise), else Stripe's."""
    for code in (error.get("decline_code"), error.get("code")):
        if code in DECLINE_REASONS:
            return str(DECLINE_REASONS[code])
    return error.get("message") or _("The payment failed.")


class StripeEvents:
    """Reads events on ``self.api`` for ``self.account_id`` (see ``StripePlatform``)."""

    def recent_events(self, since: datetime) -> list[InboundPayload]:
        events = []
        with translated_errors():
            params = {"created": {"gte": int(since.timestamp())}, "limit": 100}
            while True:
                page = self.api.events.list(params, self._options())
                for data in page["data"]:
                    events.append(
                        InboundPayload(
                            event_id=data["id"],
                            event_type=data["type"],
                            account_ref=data.get("account") or self.account_id,
                            livemode=bool(data.get("livemode")),
                            # As a webhook would carry it: the SDK reads decimal fields
                            # (``unit_amount_decimal``) as Decimals, JSON wants their strings.
                            payload=json.loads(json.dumps(data, default=str)),
                        )
                    )
                if not page.get("has_more") or not page["data"]:
                    break
                params["starting_after"] = page["data"][-1]["id"]
        return list(reversed(events))  # oldest first, as they happened

    def normalise(self, payload: dict) -> WebhookEvent | None:
        event_type = payload.get("type", "")
        obj = (payload.get("data") or {}).get("object") or {}
        occurred = _when(payload.get("created"))
        base = {"event_id": payload["id"], "occurred_at": occurred}
        if event_type.startswith("invoice.") and obj.get("object") == "invoice":
            return self._invoice_event(event_type, obj, base)
        if event_type == "invoice_payment.paid":
            return self._invoice_payment_event(obj, base)
        if event_type.startswith("customer.subscription.") and obj.get("object") == "subscription":
            # Only which subscription changed: the app fetches its current state, so events
            # late, duplicated or shuffled all converge on the platform's.
            return WebhookEvent(**base, object_kind="subscription", remote_id=obj["id"])
        if event_type.startswith("checkout.session.") and obj.get("mode") != "setup":
            # A setup session saves a card and bills nothing (it has no currency): the portal
            # reads the client's methods back when it returns (``payment_methods``).
            return self._checkout_event(event_type, obj, base)
        if event_type == "payment_intent.payment_failed":
            metadata = obj.get("metadata") or {}
            error = obj.get("last_payment_error") or {}
            if metadata.get("request_id"):
                return WebhookEvent(
                    **base,
                    object_kind="payment_link",
                    remote_id="",
                    kind=EventKind.FAILED,
                    local_ref=metadata["request_id"],
                    failure_message=decline_reason(error),
                )
        if event_type == "charge.refunded" and obj.get("payment_intent"):
            return WebhookEvent(
                **base,
                object_kind="invoice",
                remote_id="",
                kind=EventKind.REFUNDED,
                refund=PaymentInfo(
                    remote_payment_id=obj["payment_intent"],
                    amount=_money(obj.get("amount_refunded"), obj["currency"]),
                    paid_at=occurred,
                ),
            )
        return None

    def _invoice_event(self, event_type, invoice, base) -> WebhookEvent:
        currency = invoice["currency"]
        status = INVOICE_STATUSES.get(invoice.get("status"), None)
        paid = int(invoice.get("amount_paid") or 0)
        if status == RemoteStatus.OPEN and paid > 0:
            status = RemoteStatus.PARTIALLY_PAID
        kind = {
            "invoice.paid": EventKind.PAID,
            "invoice.voided": EventKind.VOIDED,
            "invoice.payment_failed": EventKind.FAILED,
            "invoice.marked_uncollectible": EventKind.FAILED,
        }.get(event_type)
        if event_type == "invoice.updated" and status == RemoteStatus.PARTIALLY_PAID:
            kind = EventKind.PARTIALLY_PAID
        failure = ""
        if kind == EventKind.FAILED:
            failure = self._failure_reason(invoice["id"])
        return WebhookEvent(
            **base,
            object_kind="invoice",
            remote_id=invoice["id"],
            kind=kind,
            status=status,
            amount_due=_money(invoice.get("amount_due"), currency),
            amount_paid=_money(paid, currency),
            failure_message=failure,
            local_ref=(invoice.get("metadata") or {}).get("request_id", ""),
        )

    def _failure_reason(self, invoice_id: str) -> str:
        """Why the last attempt failed, from the invoice's latest payment attempt."""
        try:
            with translated_errors():
                payments = self.api.invoice_payments.list(
                    {"invoice": invoice_id, "limit": 1}, self._options()
                )
                if not payments["data"]:
                    return ""
                intent_id = (payments["data"][0].get("payment") or {}).get("payment_intent")
                if not intent_id:
                    return ""
                intent = self.api.payment_intents.retrieve(intent_id, {}, self._options())
        except PlatformError:
            return _("The payment failed.")
        return decline_reason(intent.get("last_payment_error") or {})

    def _invoice_payment_event(self, payment, base) -> WebhookEvent | None:
        if payment.get("status") != "paid":
            return None
        currency = payment["currency"]
        intent_id = (payment.get("payment") or {}).get("payment_intent") or ""
        paid_at = (payment.get("status_transitions") or {}).get("paid_at")
        return WebhookEvent(
            **base,
            object_kind="invoice",
            remote_id=payment["invoice"],
            payment=PaymentInfo(
                remote_payment_id=intent_id or payment["id"],
                amount=_money(payment.get("amount_paid"), currency),
                paid_at=_when(paid_at),
                method=self._method(intent_id),
            ),
        )

    def _checkout_event(self, event_type, session, base) -> WebhookEvent | None:
        remote = self._remote_session(session)
        kind = {
            "checkout.session.completed": EventKind.PAID,
            "checkout.session.expired": EventKind.EXPIRED,
        }.get(event_type)
        if kind == EventKind.PAID and remote.status != RemoteStatus.PAID:
            kind = None  # completed but paid later (async methods): wait for the payment
        payment = None
        if remote.status == RemoteStatus.PAID and session.get("payment_intent"):
            payment = PaymentInfo(
                remote_payment_id=session["payment_intent"],
                amount=remote.amount_paid,
                paid_at=base["occurred_at"],
                method=self._method(session["payment_intent"]),
            )
        return WebhookEvent(
            **base,
            object_kind="payment_link",
            remote_id=session["id"],
            kind=kind,
            status=remote.status,
            amount_due=remote.amount_due,
            amount_paid=remote.amount_paid,
            payment=payment,
            local_ref=(session.get("metadata") or {}).get("request_id", ""),
        )

    def _method(self, intent_id: str) -> str:
        """'Visa •••• 4242' for the side panel; empty when Stripe cannot tell us now."""
        if not intent_id:
            return ""
        try:
            with translated_errors():
                intent = self.api.payment_intents.retrieve(
                    intent_id, {"expand": ["latest_charge"]}, self._options()
                )
        except PlatformError:
            return ""
        charge = intent.get("latest_charge")
        if not isinstance(charge, dict):
            charge = {}
        card = ((charge or {}).get("payment_method_details") or {}).get("card") or {}
        if card.get("brand"):
            return f"{card['brand'].title()} •••• {card.get('last4', '')}"
        return ""

    # ---- what our connector does; readiness; the connection's own events --------------------

    def connection_event(self, payload: dict) -> ConnectionEvent | None:
        event_type = payload.get("type", "")
        occurred = _when(payload.get("created"))
        if event_type == "account.application.deauthorized":
            return ConnectionEvent(
                ConnectionEventKind.DEAUTHORIZED,
                self.account_id,
                occurred,
                reason=DEAUTHORIZED_REASON,
            )
        if event_type != "account.updated":
            return None
        account = (payload.get("data") or {}).get("object") or {}
        kind, reason = None, ""
        # Only what the account says outright: an event without ``charges_enabled`` changes
        # nothing about whether it can charge.
        if account.get("charges_enabled") and account.get("details_submitted"):
            kind = ConnectionEventKind.CONNECTED
        elif account.get("charges_enabled") is False and account.get("details_submitted"):
            kind, reason = ConnectionEventKind.NEEDS_RECONNECTING, CHARGES_DISABLED_REASON
        return ConnectionEvent(
            kind, self.account_id, occurred, reason, display_name=StripeApp().account_name(account)
        )


# Read by billing administrators, each in their own language (``connection_events``).
DEAUTHORIZED_REASON = gettext_lazy(
    "Someone removed our application's access in the Stripe account's settings."
)
CHARGES_DISABLED_REASON = gettext_lazy(
    "Stripe has stopped charges on this account: its Stripe dashboard says what Stripe needs "
    "before it takes payments again."
)
