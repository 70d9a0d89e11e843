"""Refunds, as QuickBooks Online records them: a ``RefundReceipt`` for the payment's customer.

Giving money back for an invoice payment (a QuickBooks Payments card charge refunded from
QuickBooks) is recorded as a RefundReceipt: the customer, the amount (``TotalAmt``), the
account the money left (``DepositToAccountRef``), the card charge refunded
(``CreditCardPayment``) and the payment it gives back, in ``LinkedTxn`` (``TxnType``
"Payment"). The payment and its invoice are not changed: the invoice stays paid. Several
receipts may refund one payment, never more than it brought in; each one notifies a
``RefundReceipt`` ``Create``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from emulators.quickbooks.records import Company, QboFault

UNDEPOSITED_FUNDS = {"value": "4", "name": "Undeposited Funds"}


def refunded(company: Company, payment_id: str) -> Decimal:
    """What the company's refund receipts have given back of a payment so far."""
    return sum(
        (
            Decimal(str(receipt["TotalAmt"]))
            for receipt in company.objects.get("RefundReceipt", {}).values()
            if {"TxnId": payment_id, "TxnType": "Payment"} in receipt.get("LinkedTxn", [])
        ),
        Decimal(0),
    )


class RefundBook:
    """The refund part of ``QboState`` (it brings ``lock``, ``new_id``, ``store``, ``get``)."""

    def refund_payment(self, realm: str, payment_id: str, amount: Decimal | None = None) -> dict:
        """A RefundReceipt giving back ``amount`` of a payment (what is left of it if None)."""
        with self.lock:
            company = self.companies[realm]
            payment = self.get(company, "Payment", payment_id)
            left = Decimal(str(payment["TotalAmt"])) - refunded(company, payment_id)
            amount = left if amount is None else amount
            if not 0 < amount <= left:
                raise QboFault(
                    400,
                    "Business Validation Error",
                    "6000",
                    f"This payment cannot be refunded {amount}: {left} of it is left to refund.",
                )
            receipt = {
                "Id": self.new_id(company),
                "SyncToken": "0",
                "domain": "QBO",
                "TxnDate": datetime.now(UTC).date().isoformat(),
                "CustomerRef": payment["CustomerRef"],
                "CurrencyRef": payment["CurrencyRef"],
                "TotalAmt": float(amount),
                "Balance": 0.0,
                "PaymentMethodRef": payment.get("PaymentMethodRef"),
                "DepositToAccountRef": UNDEPOSITED_FUNDS,
                "CreditCardPayment": {
                    "CreditChargeInfo": {"ProcessPayment": True, "Amount": float(amount)},
                    "CreditChargeResponse": {"Status": "Completed", "CCTransId": payment_id},
                },
                "Line": [
                    {
                        "Id": "1",
                        "LineNum": 1,
                        "Description": f"Refund of payment {payment_id}",
                        "Amount": float(amount),
                        "DetailType": "SalesItemLineDetail",
                        "SalesItemLineDetail": {
                            "ItemRef": {"value": "1", "name": "Services"},
                            "Qty": 1,
                            "UnitPrice": float(amount),
                        },
                    }
                ],
                "LinkedTxn": [{"TxnId": payment_id, "TxnType": "Payment"}],
                "TxnTaxDetail": {"TotalTax": 0.0},
            }
            return self.store(company, "RefundReceipt", receipt, "Create")
