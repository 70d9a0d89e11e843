"""A refund made in QuickBooks, as billing's ``WebhookEvent.refund``.

QuickBooks Online records money given back for a payment as a ``RefundReceipt`` for the
payment's customer, linked to the payment (``LinkedTxn`` of ``TxnType`` "Payment"); the
payment and its invoice stay as they were (the invoice stays paid). Its webhook is an entity
change (``RefundReceipt`` ``Create``/``Update``) that says only which receipt changed.

Billing wants each payment's refunded total so far (refunds only ever grow it, and
notifications arrive late or twice): so the total is summed over every receipt of the
customer linked to that payment, never taken from the one receipt that changed. Our
payments each pay one invoice (``remote_payment_id`` "<payment>:<invoice>", as the payment
events record them); a receipt linked to no payment (a sale refunded over the counter) is
not billing's.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from quickbooks.objects.refundreceipt import RefundReceipt

from connectors.base import EventKind, Money, PaymentInfo, WebhookEvent
from connectors.money import minor_unit

MAX_RECEIPTS = 1000  # QuickBooks' largest page; a customer has far fewer refunds


def refund_event(qb, payload: dict, occurred: datetime) -> WebhookEvent | None:
    """The refund event of a changed RefundReceipt, or None when it refunds no payment."""
    receipt = qb.get_single_object("RefundReceipt", payload.get("id", ""))["RefundReceipt"]
    payment_id = _refunded_payment(receipt)
    if payment_id is None:
        return None
    payment = qb.get_single_object("Payment", payment_id)["Payment"]
    invoice_id = next(
        (
            txn["TxnId"]
            for line in payment.get("Line", [])
            for txn in line.get("LinkedTxn", [])
            if txn.get("TxnType") == "Invoice"
        ),
        None,
    )
    if invoice_id is None:
        return None
    currency = (receipt.get("CurrencyRef") or {}).get("value", "USD")
    return WebhookEvent(
        event_id=payload.get("event_id", ""),
        object_kind="invoice",
        remote_id=invoice_id,
        occurred_at=occurred,
        kind=EventKind.REFUNDED,
        refund=PaymentInfo(
            remote_payment_id=f"{payment_id}:{invoice_id}",
            amount=Money(refunded_so_far(qb, receipt, payment_id, currency), currency),
            paid_at=occurred,
            method=(receipt.get("PaymentMethodRef") or {}).get("name", ""),
        ),
    )


def refunded_so_far(qb, receipt: dict, payment_id: str, currency: str) -> Decimal:
    customer = (receipt.get("CustomerRef") or {}).get("value", "")
    receipts = RefundReceipt.where(f"CustomerRef = '{customer}'", max_results=MAX_RECEIPTS, qb=qb)
    total = sum(
        (
            Decimal(str(other.TotalAmt))
            for other in receipts
            if any(
                txn.TxnType == "Payment" and str(txn.TxnId) == payment_id for txn in other.LinkedTxn
            )
        ),
        Decimal(0),
    )
    return total.quantize(minor_unit(currency))


def _refunded_payment(receipt: dict) -> str | None:
    return next(
        (
            str(txn["TxnId"])
            for txn in receipt.get("LinkedTxn", [])
            if txn.get("TxnType") == "Payment"
        ),
        None,
    )
