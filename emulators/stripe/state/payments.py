"""Payments: card attempts on invoices, payment intents and charges, refunds."""

from __future__ import annotations

import secrets

from emulators.stripe.objects import build, list_object, new_id
from emulators.stripe.state.core import (
    DECLINE_CARD,
    SUCCESS_CARD,
    AccountData,
    StripeError,
    _int,
    public,
)


class PaymentsMixin:
    """What happens when a person pays (or is refunded): intents, charges, events."""

    def pay_invoice(self, account_id: str, invoice_id: str, card: str) -> dict:
        """A person paid on the hosted invoice page; returns the payment intent."""
        with self.lock:
            data = self.accounts[account_id]
            invoice = self.get(data, "invoice", invoice_id, "in_")
            if invoice["status"] != "open":
                raise StripeError(400, "This invoice cannot be paid.", code="invoice_not_open")
            intent = self._payment_intent(
                data,
                invoice["amount_remaining"],
                invoice["currency"],
                invoice["customer"],
                f"Invoice {invoice['number']}",
                {},
                card,
            )
            payment = self._invoice_payment(data, invoice, intent)
            invoice["attempt_count"] += 1
            invoice["attempted"] = True
            if intent["status"] != "succeeded":
                self.emit(account_id, "payment_intent.payment_failed", intent)
                self.emit(account_id, "invoice.payment_failed", invoice)
                return intent
            payment.update(status="paid", amount_paid=intent["amount"])
            payment["status_transitions"]["paid_at"] = self.now()
            self.emit(account_id, "payment_intent.succeeded", intent)
            self.emit(account_id, "invoice_payment.paid", payment)
            self._mark_paid(data, invoice, intent)
            return intent

    def _invoice_payment(self, data: AccountData, invoice: dict, intent: dict) -> dict:
        """The attempt to pay ``invoice`` with ``intent`` (Stripe's ``invoice_payment``)."""
        payment = build(
            "invoice_payment",
            id=new_id("invoice_payment"),
            amount_paid=None,
            amount_requested=invoice["amount_remaining"],
            created=self.now(),
            currency=invoice["currency"],
            invoice=invoice["id"],
            is_default=True,
            livemode=invoice["livemode"],
            status="open",
            payment={"type": "payment_intent", "payment_intent": intent["id"]},
            status_transitions={"canceled_at": None, "paid_at": None},
        )
        data.objects[payment["id"]] = payment
        return payment

    def _mark_paid(self, data: AccountData, invoice: dict, intent: dict | None) -> dict:
        previous = {"status": invoice["status"], "amount_paid": invoice["amount_paid"]}
        paid = invoice["amount_paid"] + (intent["amount"] if intent else 0)
        invoice.update(
            status="paid", amount_paid=paid, amount_remaining=max(invoice["amount_due"] - paid, 0)
        )
        invoice["status_transitions"]["paid_at"] = self.now()
        self.emit(data.account["id"], "invoice.payment_succeeded", invoice, previous)
        self.emit(data.account["id"], "invoice.paid", invoice, previous)
        return invoice

    def _payment_intent(self, data, amount, currency, customer, description, metadata, card):
        number = "".join(ch for ch in card if ch.isdigit())
        intent = build(
            "payment_intent",
            id=new_id("payment_intent"),
            amount=amount,
            amount_capturable=0,
            amount_received=0,
            capture_method="automatic",
            confirmation_method="automatic",
            created=self.now(),
            currency=currency,
            customer=customer,
            description=description,
            metadata=metadata or {},
            payment_method_types=["card"],
            status="requires_payment_method",
        )
        intent["client_secret"] = f"{intent['id']}_secret_{secrets.token_hex(8)}"
        self.store(data, intent, bool(data.account.get("_livemode")))
        if number == SUCCESS_CARD:
            charge = self._charge(data, intent, {"brand": "visa", "last4": number[-4:]})
            intent.update(status="succeeded", amount_received=amount, latest_charge=charge["id"])
        elif number == DECLINE_CARD:
            intent["last_payment_error"] = {
                "type": "card_error",
                "code": "card_declined",
                "decline_code": "generic_decline",
                "message": "Your card was declined.",
            }
        else:
            intent["last_payment_error"] = {
                "type": "card_error",
                "code": "incorrect_number",
                "message": "Your card number is incorrect.",
            }
        return intent

    def _charge(self, data: AccountData, intent: dict, card: dict,
                failure: dict | None = None) -> dict:  # fmt: skip
        """A charge for ``intent`` on ``card`` (its ``payment_method_details.card``): captured
        at once, or refused by the bank with ``failure`` (the intent's ``last_payment_error``)."""
        amount = intent["amount"]
        outcome = {"type": "authorized", "seller_message": "Payment complete."}
        if failure:
            outcome = {
                "type": "issuer_declined", "network_status": "declined_by_network",
                "reason": failure.get("decline_code"),
                "seller_message": "The bank did not return any further details with this decline.",
            }  # fmt: skip
        charge = build(
            "charge",
            id=new_id("charge"),
            amount=amount,
            amount_captured=0 if failure else amount,
            captured=not failure,
            created=self.now(),
            currency=intent["currency"],
            customer=intent["customer"],
            paid=not failure,
            payment_intent=intent["id"],
            payment_method=intent.get("payment_method"),
            status="failed" if failure else "succeeded",
            description=intent["description"],
            failure_code=failure["code"] if failure else None,
            failure_message=failure["message"] if failure else None,
            payment_method_details={"type": "card", "card": card},
            outcome=outcome,
            amount_refunded=0,
            refunded=False,
        )
        charge["refunds"] = list_object([], f"/v1/charges/{charge['id']}/refunds")
        return self.store(data, charge, bool(data.account.get("_livemode")))

    def refund(self, data: AccountData, params: dict, livemode: bool) -> dict:
        intent = self.get(data, "payment_intent", params.get("payment_intent") or "", "pi_")
        charge = data.objects.get(intent.get("latest_charge") or "")
        if intent["status"] != "succeeded" or charge is None:
            raise StripeError(
                400,
                "This PaymentIntent has no successful charge to refund.",
                param="payment_intent",
            )
        left = charge["amount"] - (charge.get("amount_refunded") or 0)
        if left <= 0:
            raise StripeError(
                400,
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = _int(params.get("amount"), "amount") or left
        if not 0 < amount <= left:
            raise StripeError(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                param="amount",
            )
        refund = build(
            "refund",
            id=new_id("refund"),
            amount=amount,
            charge=charge["id"],
            created=self.now(),
            currency=charge["currency"],
            payment_intent=intent["id"],
            customer=charge.get("customer"),
            reason=params.get("reason"),
            status="succeeded",
            metadata=params.get("metadata") or {},
        )
        self.store(data, refund, livemode)
        charge["amount_refunded"] = (charge.get("amount_refunded") or 0) + amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        charge["refunds"]["data"].insert(0, public(refund))
        # A card refund succeeds at once (in test mode): Stripe tells of the charge's running
        # refunded total and of the refund itself; ``charge.refund.updated`` would follow only
        # if the refund's status changed later, which an emulated card refund never does.
        self.emit(data.account["id"], "charge.refunded", charge)
        self.emit(data.account["id"], "refund.created", refund)
        return refund

    def invoice_payments(self, data: AccountData, invoice_id: str, url: str) -> dict:
        payments = [
            o
            for o in data.objects.values()
            if o.get("object") == "invoice_payment" and o["invoice"] == invoice_id
        ]
        return list_object(sorted(payments, key=lambda p: p["created"], reverse=True), url)
