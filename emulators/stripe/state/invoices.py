"""Invoices: drafts, numbers, finalisation, the hosted page's link, sending, voiding."""

from __future__ import annotations

import secrets

from emulators.stripe.objects import build, list_object, new_id
from emulators.stripe.state.core import (
    HOSTED_URL_DAYS_AFTER_DUE,
    MAX_INVOICE_NUMBER,
    AccountData,
    StripeError,
    _bool,
    _int,
)


class InvoicesMixin:
    """Invoices as Stripe keeps them, from draft to paid or void."""

    def create_invoice(self, data: AccountData, params: dict, livemode: bool) -> dict:
        invoice = self.new_invoice(data, params, livemode)
        self.emit(data.account["id"], "invoice.created", invoice)
        return invoice

    def new_invoice(self, data: AccountData, params: dict, livemode: bool) -> dict:
        """A draft invoice, stored but not yet told of (a subscription's gets its lines first)."""
        customer = self.get(data, "customer", params.get("customer") or "", "cus_")
        method = params.get("collection_method", "charge_automatically")
        if method not in ("charge_automatically", "send_invoice"):
            raise StripeError(400, "Invalid collection_method", param="collection_method")
        due_date = _int(params.get("due_date"), "due_date")
        if method == "send_invoice" and not due_date and not params.get("days_until_due"):
            raise StripeError(
                400,
                "Missing required param: due_date or days_until_due.",
                code="parameter_missing",
                param="due_date",
            )
        if params.get("days_until_due"):
            due_date = self.now() + 86400 * _int(params["days_until_due"], "days_until_due")
        number = self.check_number(data, params.get("number"), None)
        invoice = build(
            "invoice",
            id=new_id("invoice"),
            account_country=data.account.get("country"),
            account_name=data.account["business_profile"].get("name"),
            amount_due=0,
            amount_paid=0,
            amount_remaining=0,
            amount_overpaid=0,
            amount_shipping=0,
            attempt_count=0,
            attempted=False,
            auto_advance=_bool(params.get("auto_advance", False)),
            billing_reason="manual",
            collection_method=method,
            created=self.now(),
            currency=(params.get("currency") or "usd").lower(),
            customer=customer["id"],
            customer_email=customer["email"],
            customer_name=customer["name"],
            description=params.get("description"),
            due_date=due_date,
            metadata=params.get("metadata") or {},
            lines=list_object([], "/v1/invoices/pending/lines"),
            number=number,
            status="draft",
            status_transitions={
                "finalized_at": None,
                "marked_uncollectible_at": None,
                "paid_at": None,
                "voided_at": None,
            },
            subtotal=0,
            subtotal_excluding_tax=0,
            total=0,
            total_excluding_tax=0,
            total_taxes=[],
            starting_balance=0,
            issuer={"type": "self"},
            payment_settings={
                "default_mandate": None,
                "payment_method_options": None,
                "payment_method_types": None,
            },
        )
        invoice["lines"]["url"] = f"/v1/invoices/{invoice['id']}/lines"
        return self.store(data, invoice, livemode)

    def update_invoice(self, data: AccountData, invoice_id: str, params: dict) -> dict:
        """A draft's number, description and footer; a finalised invoice's metadata only."""
        invoice = self.get(data, "invoice", invoice_id, "in_")
        if invoice["status"] != "draft" and set(params) - {"metadata"}:
            raise StripeError(
                400,
                "Finalized invoices can't be updated in this way",
                code="invoice_not_editable",
            )
        if "number" in params:
            invoice["number"] = self.check_number(data, params["number"], invoice_id)
        invoice["metadata"].update(params.get("metadata") or {})
        invoice.update({k: v for k, v in params.items() if k in ("description", "footer")})
        self.save()
        return invoice

    def check_number(self, data: AccountData, number, invoice_id: str | None) -> str | None:
        """A number given on create or on a draft's update: at most 26 characters, and unique
        among the account's invoices (a deleted draft frees its number)."""
        if number in (None, ""):
            return None
        number = str(number)
        if len(number) > MAX_INVOICE_NUMBER:
            raise StripeError(
                400,
                f"Invalid string: {number}; must be at most {MAX_INVOICE_NUMBER} characters",
                param="number",
            )
        for other in data.objects.values():
            if (
                other.get("object") == "invoice"
                and not other.get("deleted")
                and other["id"] != invoice_id
                and other.get("number") == number
            ):
                raise StripeError(
                    400,
                    f"Invoice number {number} is already used by another invoice on this "
                    "account. Invoice numbers must be unique.",
                    param="number",
                )
        return number

    def finalize_invoice(self, data: AccountData, invoice_id: str) -> dict:
        invoice = self.get(data, "invoice", invoice_id, "in_")
        if invoice["status"] != "draft":
            raise StripeError(
                400,
                "This invoice is already finalized, you can't re-finalize a non-draft invoice.",
                code="invoice_not_editable",
            )
        if not invoice.get("number"):  # Stripe numbers it only when no number was given
            customer = data.objects[invoice["customer"]]
            sequence = customer["next_invoice_sequence"]
            invoice["number"] = f"{customer['invoice_prefix']}-{sequence:04d}"
            customer["next_invoice_sequence"] += 1
        # Like the customer's details, its languages are the invoice's from now on: the hosted
        # page speaks the first one it can (pages.py).
        customer = data.objects.get(invoice["customer"]) or {}
        invoice["_customer_locales"] = list(customer.get("preferred_locales") or [])
        invoice["status"] = "open"
        invoice["status_transitions"]["finalized_at"] = self.now()
        invoice["effective_at"] = self.now()
        invoice["hosted_invoice_url"] = self._hosted_url(invoice)
        invoice["invoice_pdf"] = f"{self.public_url}/i/{data.account['id']}/{invoice['id']}/pdf"
        if invoice["amount_due"] == 0:
            return self._mark_paid(data, invoice, None)
        self.emit(data.account["id"], "invoice.finalized", invoice)
        return invoice

    def refresh_hosted_url(self, data: AccountData, invoice: dict) -> dict:
        """The hosted URL stops working 30 days after the due date; reading gives a fresh one."""
        url = invoice.get("hosted_invoice_url")
        if url and self._hosted_token_expiry(url) < self.now():
            invoice["hosted_invoice_url"] = self._hosted_url(invoice)
            self.save()
        return invoice

    def _hosted_url(self, invoice: dict) -> str:
        base = max(invoice.get("due_date") or 0, self.now())
        expires = base + HOSTED_URL_DAYS_AFTER_DUE * 86400
        account = next(k for k, d in self.accounts.items() if invoice["id"] in d.objects)
        return f"{self.public_url}/i/{account}/{invoice['id']}?s={expires}.{secrets.token_hex(8)}"

    @staticmethod
    def _hosted_token_expiry(url: str) -> int:
        try:
            return int(url.rsplit("?s=", 1)[1].split(".", 1)[0])
        except (IndexError, ValueError):
            return 0

    def hosted_link_valid(self, invoice: dict, token: str) -> bool:
        url = invoice.get("hosted_invoice_url") or ""
        return (
            bool(token)
            and url.endswith(f"?s={token}")
            and (self._hosted_token_expiry(url) >= self.now())
        )

    def send_invoice(self, data: AccountData, invoice_id: str) -> dict:
        invoice = self.get(data, "invoice", invoice_id, "in_")
        if invoice["collection_method"] != "send_invoice":
            raise StripeError(
                400,
                "You can only manually send an invoice if its collection method is 'send_invoice'.",
                param="collection_method",
            )
        if invoice["status"] == "draft":
            invoice = self.finalize_invoice(data, invoice_id)
        if invoice["status"] != "open":
            raise StripeError(400, "You can only send open invoices.", code="invoice_not_open")
        self.emit(data.account["id"], "invoice.sent", invoice)
        return invoice

    def void_invoice(self, data: AccountData, invoice_id: str) -> dict:
        invoice = self.get(data, "invoice", invoice_id, "in_")
        if invoice["status"] not in ("open", "uncollectible"):
            raise StripeError(
                400,
                "You can only pass in open or uncollectible invoices. This "
                f"invoice is {invoice['status']}.",
                code="invoice_not_open",
            )
        previous = {"status": invoice["status"]}
        invoice["status"] = "void"
        invoice["status_transitions"]["voided_at"] = self.now()
        self.emit(data.account["id"], "invoice.voided", invoice, previous)
        return invoice

    def delete_invoice(self, data: AccountData, invoice_id: str) -> dict:
        invoice = self.get(data, "invoice", invoice_id, "in_")
        if invoice["status"] != "draft":
            raise StripeError(
                400, "You can only delete draft invoices.", code="invoice_not_editable"
            )
        invoice["deleted"] = True
        self.emit(data.account["id"], "invoice.deleted", invoice)
        return build("deleted_invoice", id=invoice_id, deleted=True)
