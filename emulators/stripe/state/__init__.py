"""The emulated platform's state and rules: what Stripe would accept, refuse and emit.

One ``StripeState`` holds the accounts connected to our platform and, per account, their
customers, invoices, tax rates, checkout sessions, payments, saved cards, products and
prices, subscriptions and events. Every
mutation runs under one lock and emits the events Stripe would emit; ``on_event`` hands them
to webhook delivery. Each resource's rules live in their own module; ``StripeState`` only
combines them.
"""

from __future__ import annotations

from emulators.stripe.state.accounts import AccountsMixin
from emulators.stripe.state.cards import PaymentMethodsMixin
from emulators.stripe.state.catalog import CatalogMixin
from emulators.stripe.state.checkout import CheckoutMixin
from emulators.stripe.state.core import (
    API_VERSION,
    CHECKOUT_LOCALES,
    DECLINE_CARD,
    SUCCESS_CARD,
    ZERO_DECIMAL,
    AccountData,
    OAuthError,
    StateCore,
    StripeError,
    missing,
    public,
)
from emulators.stripe.state.customers import CustomersMixin
from emulators.stripe.state.events import EventsMixin
from emulators.stripe.state.intents import PaymentIntentsMixin
from emulators.stripe.state.invoice_charges import InvoiceChargesMixin
from emulators.stripe.state.invoice_items import InvoiceItemsMixin
from emulators.stripe.state.invoices import InvoicesMixin
from emulators.stripe.state.payments import PaymentsMixin
from emulators.stripe.state.setup_intents import SetupIntentsMixin
from emulators.stripe.state.subscription_billing import SubscriptionBillingMixin
from emulators.stripe.state.subscriptions import SubscriptionsMixin
from emulators.stripe.state.tax_rates import TaxRatesMixin

__all__ = [
    "API_VERSION", "CHECKOUT_LOCALES", "DECLINE_CARD", "SUCCESS_CARD", "ZERO_DECIMAL",
    "AccountData", "OAuthError", "StripeError", "StripeState", "missing", "public",
]  # fmt: skip


class StripeState(
    AccountsMixin,
    EventsMixin,
    CustomersMixin,
    TaxRatesMixin,
    InvoicesMixin,
    InvoiceItemsMixin,
    PaymentsMixin,
    CheckoutMixin,
    PaymentMethodsMixin,
    SetupIntentsMixin,
    PaymentIntentsMixin,
    CatalogMixin,
    SubscriptionsMixin,
    SubscriptionBillingMixin,
    InvoiceChargesMixin,
    StateCore,
):
    """The whole emulated platform: one instance per emulator."""
