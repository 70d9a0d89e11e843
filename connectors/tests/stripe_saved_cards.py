"""What the saved-card tests of the Stripe emulator share: a fresh connected account each test,
the official SDK pointed at the emulator on it, and the hosted pages driven as a browser would."""

from __future__ import annotations

import pytest
import requests
import stripe

from emulators.stripe.server import TEST_SECRET_KEY

CARD_FIELDS = {"exp": "12 / 34", "cvc": "123", "name": "Cy Client"}


@pytest.fixture
def account(stripe_emulator):
    """A connected account of its own, so that lists and events hold this test's only."""
    created = stripe_emulator.state.create_account(
        {"country": "FR", "business_profile": {"name": "Studio Cy"}}, False, onboarded=True
    )
    return created["id"]


@pytest.fixture
def api(stripe_emulator, account):
    """The SDK's v1 services on ``account`` (``Stripe-Account``), as the connector calls them."""
    client = stripe.StripeClient(
        TEST_SECRET_KEY,
        stripe_account=account,
        base_addresses={"api": stripe_emulator.url},
        max_network_retries=0,
    )
    return client.v1


@pytest.fixture
def customer(api):
    return api.customers.create({"email": "cy@client.test", "name": "Cy Client"})


def event_types(api, object_id: str) -> list[str]:
    """The types of the account's events about ``object_id``, oldest first."""
    events = api.events.list({"limit": 100})
    return [e.type for e in reversed(events.data) if e.data.object.id == object_id]


def setup_session(api, customer_id: str):
    return api.checkout.sessions.create(
        {
            "mode": "setup",
            "customer": customer_id,
            "success_url": "https://studio.test/saved?session={CHECKOUT_SESSION_ID}",
            "cancel_url": "https://studio.test/cancelled",
        }
    )


def type_card(url: str, number: str, **fields):
    """Submit the setup page's form as a browser would; redirects are left to the test."""
    form = {"card": number, **CARD_FIELDS, **fields}
    return requests.post(url, data=form, allow_redirects=False, timeout=5)


def authenticate(url: str, decision: str = "complete"):
    """Press Complete (or Fail) on the emulator's authentication page."""
    return requests.post(url, data={"decision": decision}, allow_redirects=False, timeout=5)
