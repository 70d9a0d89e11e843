"""A client's saved cards and bank accounts on a connected Stripe account.

A mixin of ``StripePlatform`` (``self.api``, ``self._options``): Checkout in setup mode is the
hosted page where the client types the card, so its number reaches Stripe only; we read back
the PaymentMethods attached to the customer, detach one, or make one the customer's default
(``invoice_settings.default_payment_method``, what Stripe charges when nothing else is said).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from connectors.base import ClientRef, PlatformError, SavedMethod
from connectors.stripe.client import translated_errors

PAGE = 100  # Stripe's largest page of a list


def saved_method(method: dict, default_id: str | None) -> SavedMethod:
    """A PaymentMethod as billing sees it. A card has a brand and an expiry; any other type
    (``us_bank_account``, ``sepa_debit``…) is a bank account, named by its bank when known."""
    kind = method["type"]
    details = method.get(kind) or {}
    if kind == "card":
        return SavedMethod(
            remote_id=method["id"],
            kind="card",
            brand=details.get("brand") or "",
            last4=details.get("last4") or "",
            exp_month=details.get("exp_month"),
            exp_year=details.get("exp_year"),
            is_default=method["id"] == default_id,
        )
    return SavedMethod(
        remote_id=method["id"],
        kind="bank",
        brand=details.get("bank_name") or details.get("bank_code") or "",
        last4=details.get("last4") or "",
        is_default=method["id"] == default_id,
    )


class StripeSavedMethods:
    """``PaymentPlatform``'s saved-method calls, on ``self.account_id``."""

    def start_saving_method(self, client: ClientRef, success_url: str, cancel_url: str) -> str:
        customer_id = client.remote_id or self.ensure_customer(client)
        with translated_errors():
            # No idempotency key of ours: a second session (a double click) saves nothing
            # until a card is typed on it, and one derived from the clock would only replay
            # a stale page after a cancel.
            session = self.api.checkout.sessions.create(
                {
                    "mode": "setup",
                    "customer": customer_id,
                    "payment_method_types": ["card"],
                    "success_url": success_url,
                    "cancel_url": cancel_url,
                    "metadata": {"client_id": str(client.local_id)},
                    **({"locale": client.language} if client.language else {}),
                },
                self._options(),
            )
        return session["url"]

    def saved_methods(self, customer_id: str) -> list[SavedMethod]:
        with translated_errors():
            customer = self.api.customers.retrieve(customer_id, {}, self._options())
            default_id = (customer.get("invoice_settings") or {}).get("default_payment_method")
            if isinstance(default_id, dict):  # expanded by someone: its id is enough
                default_id = default_id.get("id")
            methods, params = [], {"limit": PAGE}
            while True:
                page = self.api.customers.payment_methods.list(customer_id, params, self._options())
                methods += [saved_method(method, default_id) for method in page["data"]]
                if not page.get("has_more") or not page["data"]:
                    return methods
                params["starting_after"] = page["data"][-1]["id"]

    def remove_method(self, customer_id: str, remote_id: str) -> None:
        with translated_errors():
            method = self.api.payment_methods.retrieve(remote_id, {}, self._options())
            if method.get("customer") is None:
                return  # detached already (on Stripe's dashboard, or by a first click)
            self._refuse_anothers(method, customer_id)
            self.api.payment_methods.detach(remote_id, {}, self._options())

    def set_default_method(self, customer_id: str, remote_id: str) -> None:
        with translated_errors():
            method = self.api.payment_methods.retrieve(remote_id, {}, self._options())
            self._refuse_anothers(method, customer_id)
            self.api.customers.update(
                customer_id,
                {"invoice_settings": {"default_payment_method": remote_id}},
                self._options(),
            )

    @staticmethod
    def _refuse_anothers(method: dict, customer_id: str) -> None:
        if method.get("customer") != customer_id:
            raise PlatformError(
                _("This payment method is not one of this client's."),
                code="not_the_customers",
                platform="stripe",
            )
