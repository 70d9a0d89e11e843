"""Invoice items, and the invoice totals they make."""

from __future__ import annotations

from connectors.stripe.emulator.objects import build, new_id
from connectors.stripe.emulator.state.core import AccountData, StripeError, _int


class InvoiceItemsMixin:
    """Items added to a draft invoice; each becomes one of its lines."""

    def create_invoice_item(self, data: AccountData, params: dict, livemode: bool) -> dict:
        customer = self.get(data, "customer", params.get("customer") or "", "cus_")
        amount = _int(params.get("amount"), "amount")
        if amount is None:
            raise StripeError(
                400, "Missing required param: amount.", code="parameter_missing", param="amount"
            )
        currency = (params.get("currency") or "").lower()
        if len(currency) != 3:
            raise StripeError(400, "Missing required param: currency.", param="currency")
        invoice = None
        if params.get("invoice"):
            invoice = self.get(data, "invoice", params["invoice"], "in_")
            if invoice["status"] != "draft":
                raise StripeError(
                    400, "You can only add invoice items to draft invoices.", param="invoice"
                )
            if invoice["customer"] != customer["id"]:
                raise StripeError(400, "The invoice belongs to another customer.", param="invoice")
            if invoice["currency"] != currency:
                raise StripeError(
                    400,
                    f"The currency {currency} does not match the invoice's "
                    f"currency {invoice['currency']}.",
                    param="currency",
                )
        item = build(
            "invoiceitem",
            id=new_id("invoiceitem"),
            amount=amount,
            currency=currency,
            customer=customer["id"],
            date=self.now(),
            description=params.get("description"),
            discountable=True,
            invoice=invoice["id"] if invoice else None,
            metadata=params.get("metadata") or {},
            quantity=1,
            proration=False,
            period={"start": self.now(), "end": self.now()},
        )
        self.store(data, item, livemode)
        if invoice:
            line = build(
                "line_item",
                id=new_id("line_item"),
                amount=amount,
                currency=currency,
                description=item["description"],
                invoice=invoice["id"],
                livemode=livemode,
                metadata=item["metadata"],
                quantity=1,
                period=item["period"],
                parent={
                    "type": "invoice_item_details",
                    "invoice_item_details": {"invoice_item": item["id"]},
                },
            )
            invoice["lines"]["data"].append(line)
            total = sum(line["amount"] for line in invoice["lines"]["data"])
            invoice.update(
                amount_due=total,
                amount_remaining=total,
                subtotal=total,
                subtotal_excluding_tax=total,
                total=total,
                total_excluding_tax=total,
            )
        self.save()
        return item
