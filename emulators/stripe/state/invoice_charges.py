"""``POST /v1/invoices/:id/pay``: an open invoice charged to a saved card through the API, as
Stripe's ``Invoice.pay`` does (``off_session``, ``payment_method`` or else the customer's
``invoice_settings.default_payment_method``).

Each attempt is a PaymentIntent of the invoice's (an ``invoice_payment`` links them) confirmed
with the card, and each test card does what ``state/cards.py`` says:

- it pays: the same events as a payment on the hosted page (``charge.succeeded``,
  ``payment_intent.succeeded``, ``invoice_payment.paid``, ``invoice.paid``);
- 3155 asks for authentication: HTTP 402 ``authentication_required``, the intent in
  ``requires_action`` (the authentication page in its ``next_action``) and
  ``invoice.payment_action_required``; the client can still pay on the hosted page;
- 0341 (and 0002) is declined: HTTP 402 ``card_declined`` and ``invoice.payment_failed``.

No default method: Stripe's 400. The app's idempotency keys are honoured by ``app.py``, as for
every write: a retry under the same key gets the first answer, and no second charge.
"""

from __future__ import annotations

from emulators.stripe.state.cards import AUTHENTICATES, card_error
from emulators.stripe.state.core import AccountData, StripeError, _bool

NO_METHOD = (
    "This customer has no attached payment source or default payment method. Please consider "
    "adding a default payment method. For more information, visit "
    "https://stripe.com/docs/billing/subscriptions/payment-methods-setting"
    "#payment-method-priority."
)
NEEDS_AUTHENTICATION = "Your card was declined. This transaction requires authentication."


class InvoiceChargesMixin:
    def pay_invoice_by_api(self, data: AccountData, invoice_id: str, params: dict) -> dict:
        invoice = self.get(data, "invoice", invoice_id, "in_")
        if invoice["status"] == "draft":
            invoice = self.finalize_invoice(data, invoice_id)
        if invoice["status"] != "open":
            raise StripeError(400, "This invoice cannot be paid.", code="invoice_not_open")
        customer = data.objects[invoice["customer"]]
        method_id = params.get("payment_method") or customer["invoice_settings"].get(
            "default_payment_method"
        )
        if not method_id:
            raise StripeError(400, NO_METHOD)
        method = self.usable_method(data, method_id, customer["id"])
        intent = self.create_payment_intent(
            data,
            {
                "amount": invoice["amount_remaining"],
                "currency": invoice["currency"],
                "customer": customer["id"],
                "payment_method": method["id"],
                "description": f"Invoice {invoice['number']}",
            },
            bool(invoice["livemode"]),
        )
        payment = self._invoice_payment(data, invoice, intent)  # counts the attempt
        account_id = data.account["id"]
        off_session = _bool(params.get("off_session"))
        if method["_outcome"] == AUTHENTICATES:
            # Stripe leaves the invoice's intent waiting for the card holder.
            self.require_authentication(data, intent, None)
            self.emit(account_id, "invoice.payment_action_required", invoice)
            if off_session:
                raise card_error(NEEDS_AUTHENTICATION, "authentication_required",
                                 "authentication_required", payment_intent=intent)  # fmt: skip
            return invoice
        try:
            self._confirm_payment(data, intent, method, {"off_session": "true"})
        except StripeError:
            self.emit(account_id, "invoice.payment_failed", invoice)
            raise
        return self._invoice_payment_paid(data, invoice, payment, intent)
