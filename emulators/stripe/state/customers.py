"""Customers."""

from __future__ import annotations

import secrets

from emulators.stripe.objects import build, new_id
from emulators.stripe.state.core import AccountData, StripeError


class CustomersMixin:
    """Customers, with the languages Stripe writes to them in."""

    def create_customer(self, data: AccountData, params: dict, livemode: bool) -> dict:
        customer = build(
            "customer",
            id=new_id("customer"),
            created=self.now(),
            email=params.get("email"),
            name=params.get("name"),
            phone=params.get("phone"),
            description=params.get("description"),
            metadata=params.get("metadata") or {},
            balance=0,
            delinquent=False,
            invoice_prefix=secrets.token_hex(4).upper(),
            next_invoice_sequence=1,
            preferred_locales=self.locales(params.get("preferred_locales")),
            tax_exempt="none",
            invoice_settings={
                "custom_fields": None,
                "default_payment_method": None,
                "footer": None,
                "rendering_options": None,
            },
        )
        self.store(data, customer, livemode)
        self.emit(data.account["id"], "customer.created", customer)
        return customer

    def update_customer(self, data: AccountData, customer: dict, params: dict) -> dict:
        settings = params.get("invoice_settings")
        if isinstance(settings, dict) and "default_payment_method" in settings:
            self.set_default_payment_method(data, customer, settings["default_payment_method"])
        for field in ("name", "email", "phone", "description"):
            if field in params:
                customer[field] = params[field]
        if "preferred_locales" in params:
            customer["preferred_locales"] = self.locales(params["preferred_locales"])
        customer["metadata"].update(params.get("metadata") or {})
        self.save()
        return customer

    @staticmethod
    def locales(value) -> list[str]:
        """A customer's ``preferred_locales``: a list of tags; an empty value clears it."""
        if value in (None, ""):
            return []
        if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
            raise StripeError(400, "Invalid array", param="preferred_locales")
        return [tag for tag in value if tag]
