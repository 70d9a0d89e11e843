"""Charging a sent invoice to the client's default saved card: Stripe's ``Invoice.pay``
off-session. A mixin of ``StripePlatform`` (``self.api``, ``self._options``).

The bank's answer is an outcome billing acts on (email the client, try again later), not an
error: a declined card and a card that asks for authentication come back as a
``ChargeOutcome``. Anything else (Stripe unreachable, the invoice no longer open) is a
``PlatformError`` like every other call's.
"""

from __future__ import annotations

import stripe
from django.utils.translation import gettext as _

from connectors.base import ChargeOutcome
from connectors.stripe.client import translated_errors
from connectors.stripe.events import decline_reason

# Stripe says "This customer has no attached payment source or default payment method." with
# no error code of its own; its words are all there is to tell it from other refusals.
NO_METHOD_WORDS = "default payment method"


class StripeAutoCharge:
    def charge_saved_method(self, remote_invoice_id: str, idempotency_key: str) -> ChargeOutcome:
        with translated_errors():
            try:
                invoice = self.api.invoices.pay(
                    remote_invoice_id, {"off_session": True}, self._options(idempotency_key)
                )
            except stripe.CardError as error:
                return _card_outcome(error)
            except stripe.InvalidRequestError as error:
                if NO_METHOD_WORDS not in str(error.user_message or ""):
                    raise
                return ChargeOutcome("no_method", _("No default card is saved for the client."))
        return ChargeOutcome("paid", "", self._remote_invoice(invoice))


def _card_outcome(error: stripe.CardError) -> ChargeOutcome:
    details = error.error.to_dict() if error.error else {}
    if "authentication_required" in (error.code, details.get("decline_code")):
        return ChargeOutcome("authentication_required", decline_reason(details))
    return ChargeOutcome("declined", decline_reason(details))
