"""Invoices and the payments applied to them, as QuickBooks Online keeps them."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from connectors.money import minor_unit
from emulators.quickbooks.records import Company, QboFault, now_iso
from emulators.quickbooks.taxes import invoice_taxes

MAX_DOC_NUMBER = 21


class InvoiceBook:
    """The invoice half of ``QboState`` (it brings ``lock``, ``new_id``, ``store``, ``get``,
    ``check_sync`` and ``companies``)."""

    def save_invoice(self, company: Company, body: dict) -> dict:
        with self.lock:
            if body.get("Id"):
                current = self.get(company, "Invoice", body["Id"])
                self.check_sync(current, body)
                for key in ("CustomerMemo", "PrivateNote", "BillEmail", "DueDate"):
                    if key in body:
                        current[key] = body[key]
                current["SyncToken"] = str(int(current["SyncToken"]) + 1)
                return self.store(company, "Invoice", current, "Update")
            customer = self.get(
                company, "Customer", (body.get("CustomerRef") or {}).get("value", "")
            )
            lines = body.get("Line") or []
            if not lines:
                raise QboFault(400, "Required param missing", "2020", "Line is required")
            number = str(body.get("DocNumber") or "")
            if len(number) > MAX_DOC_NUMBER:
                raise QboFault(
                    400,
                    "String length is either shorter or longer than supported by specification",
                    "2050",
                    f"String length specified does not match the supported length. Min:0 "
                    f"Max:{MAX_DOC_NUMBER} supported. Supplied length:{len(number)}",
                )
            currency = (body.get("CurrencyRef") or {}).get("value", "USD")
            lines = numbered(lines, currency)
            subtotal, tax_detail = invoice_taxes(company, lines, body.get("TxnTaxDetail"), currency)
            total = subtotal + Decimal(str(tax_detail["TotalTax"]))
            if total < 0:  # negative lines (credits) may lower an invoice, not below zero
                raise QboFault(
                    400,
                    "A business validation error has occurred while processing your request",
                    "6000",
                    "Business Validation Error: The invoice total cannot be negative.",
                )
            invoice_id = self.new_id(company)
            invoice = {
                **body,
                "Id": invoice_id,
                "SyncToken": "0",
                "DocNumber": number or f"{1000 + int(invoice_id)}",  # numbered only when absent
                "TxnDate": datetime.now(UTC).date().isoformat(),
                "CustomerRef": {"value": customer["Id"], "name": customer["DisplayName"]},
                "TotalAmt": float(total),
                "Balance": float(total),
                "CurrencyRef": body.get("CurrencyRef") or {"value": "USD"},
                # QuickBooks answers with its own sub-total line after the sold lines.
                "Line": [*lines, subtotal_line(subtotal)],
                "TxnTaxDetail": tax_detail,
                "EmailStatus": "NotSet",
                "LinkedTxn": [],
                "domain": "QBO",
            }
            invoice["_link_token"] = secrets.token_urlsafe(16)
            return self.store(company, "Invoice", invoice, "Create")

    def invoice_link(self, company: Company, invoice: dict) -> str:
        if not (
            invoice.get("AllowOnlineCreditCardPayment") or invoice.get("AllowOnlineACHPayment")
        ) or not invoice.get("BillEmail"):
            return ""  # QuickBooks gives no link when online payment or the email is missing
        return (
            f"{self.public_url}/app/invoice/{company.realm_id}/{invoice['Id']}/"
            f"{invoice['_link_token']}"
        )

    def send_invoice(self, company: Company, invoice_id: str, send_to: str) -> dict:
        with self.lock:
            invoice = self.get(company, "Invoice", invoice_id)
            if send_to:
                invoice["BillEmail"] = {"Address": send_to}
            if not invoice.get("BillEmail"):
                raise QboFault(
                    400,
                    "Invalid Email Address",
                    "2050",
                    "An email address is required to send the invoice",
                )
            invoice["EmailStatus"] = "EmailSent"
            invoice["DeliveryInfo"] = {"DeliveryType": "Email", "DeliveryTime": now_iso()}
            invoice["SyncToken"] = str(int(invoice["SyncToken"]) + 1)
            return self.store(company, "Invoice", invoice, "Update")

    def void_invoice(self, company: Company, body: dict) -> dict:
        with self.lock:
            invoice = self.get(company, "Invoice", body.get("Id", ""))
            self.check_sync(invoice, body)
            refuse_with_payment(invoice, "voided")
            invoice.update(TotalAmt=0.0, Balance=0.0, PrivateNote="Voided")
            invoice["TxnTaxDetail"] = {"TotalTax": 0.0}
            for line in invoice["Line"]:
                line["Amount"] = 0.0
            invoice["SyncToken"] = str(int(invoice["SyncToken"]) + 1)
            return self.store(company, "Invoice", invoice, "Void")

    def delete_invoice(self, company: Company, body: dict) -> dict:
        """``POST invoice?operation=delete``: the invoice is gone (a read answers 610)."""
        with self.lock:
            invoice = self.get(company, "Invoice", body.get("Id", ""))
            self.check_sync(invoice, body)
            refuse_with_payment(invoice, "deleted")
            del company.objects["Invoice"][invoice["Id"]]
            company.changes.append((self.now(), "Invoice", invoice["Id"]))
            self.on_change(company, "Invoice", invoice, "Delete")
            return {"Id": invoice["Id"], "status": "Deleted", "domain": "QBO"}

    def pay_invoice(self, realm: str, invoice_id: str, amount: Decimal | None = None) -> dict:
        with self.lock:
            company = self.companies[realm]
            invoice = self.get(company, "Invoice", invoice_id)
            balance = Decimal(str(invoice["Balance"]))
            amount = balance if amount is None else amount
            if invoice.get("PrivateNote") == "Voided" or balance <= 0 or not 0 < amount <= balance:
                raise QboFault(
                    400,
                    "Business Validation Error",
                    "6000",
                    "This invoice cannot take this payment.",
                )
            payment_id = self.new_id(company)
            payment = {
                "Id": payment_id,
                "SyncToken": "0",
                "domain": "QBO",
                "TxnDate": datetime.now(UTC).date().isoformat(),
                "CustomerRef": invoice["CustomerRef"],
                "TotalAmt": float(amount),
                "CurrencyRef": invoice["CurrencyRef"],
                "UnappliedAmt": 0.0,
                "PaymentMethodRef": {"value": "1", "name": "Visa"},
                "Line": [
                    {
                        "Amount": float(amount),
                        "LinkedTxn": [{"TxnId": invoice_id, "TxnType": "Invoice"}],
                    }
                ],
            }
            self.store(company, "Payment", payment, "Create")
            invoice["Balance"] = float(balance - amount)
            invoice["LinkedTxn"].append({"TxnId": payment_id, "TxnType": "Payment"})
            invoice["SyncToken"] = str(int(invoice["SyncToken"]) + 1)
            self.store(company, "Invoice", invoice, "Update")
            return payment


def refuse_with_payment(invoice: dict, done: str) -> None:
    if any(txn.get("TxnType") == "Payment" for txn in invoice["LinkedTxn"]):
        raise QboFault(
            400,
            "Business Validation Error",
            "6140",
            f"This invoice has a payment applied to it and cannot be {done}. "
            "Delete or unapply the payment first.",
        )


def numbered(lines: list[dict], currency: str) -> list[dict]:
    """The lines sent, numbered, amounts as numbers; a sub-total line sent is dropped (it is
    QuickBooks' own). A sold line's amount must be its quantity times its unit price."""
    quantum = minor_unit(currency)
    kept = [line for line in lines if line.get("DetailType") != "SubTotalLineDetail"]
    result = []
    for number, line in enumerate(kept, start=1):
        amount = Decimal(str(line.get("Amount", 0)))
        detail = line.get("SalesItemLineDetail") or {}
        if "Qty" in detail and "UnitPrice" in detail:
            product = Decimal(str(detail["Qty"])) * Decimal(str(detail["UnitPrice"]))
            if product.quantize(quantum, ROUND_HALF_UP) != amount:
                raise QboFault(
                    400,
                    "Business Validation Error",
                    "6070",
                    f"Amount is not equal to UnitPrice * Qty. Supplied value:{amount}",
                )
        result.append({**line, "Id": str(number), "LineNum": number, "Amount": float(amount)})
    return result


def subtotal_line(subtotal: Decimal) -> dict:
    return {"Amount": float(subtotal), "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}
