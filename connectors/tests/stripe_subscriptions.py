"""What the subscription tests of the Stripe emulator share: plans in the catalog, subscribing
on the hosted Checkout page as a browser would, and the renewal a test asks for."""

from __future__ import annotations

import pytest
import requests

from connectors.tests.stripe_saved_cards import CARD_FIELDS


def plan(api, name: str, amount: int, currency: str = "eur", interval: str = "month",
         **recurring):  # fmt: skip
    """A product with a recurring default price (a plan); returns the price."""
    product = api.products.create(
        {
            "name": name,
            "default_price_data": {
                "currency": currency,
                "unit_amount": amount,
                "recurring": {"interval": interval, **recurring},
            },
        }  # fmt: skip
    )
    return api.prices.retrieve(product.default_price)


def subscription_session(api, customer_id: str, price_id: str):
    return api.checkout.sessions.create(
        {
            "mode": "subscription",
            "customer": customer_id,
            "line_items": [{"price": price_id, "quantity": 1}],
            "success_url": "https://studio.test/subscribed?session={CHECKOUT_SESSION_ID}",
            "cancel_url": "https://studio.test/plans",
        }
    )


def pay_page(url: str, number: str = "4242424242424242"):
    """Submit the subscription page's form as a browser would; redirects are left to the test."""
    return requests.post(url, data={"card": number, **CARD_FIELDS}, allow_redirects=False,
                         timeout=5)  # fmt: skip


def subscribe(api, customer_id: str, price_id: str):
    """Subscribe through Checkout with 4242; returns the subscription."""
    session = subscription_session(api, customer_id, price_id)
    assert pay_page(session.url).status_code == 302
    return api.subscriptions.retrieve(api.checkout.sessions.retrieve(session.id).subscription)


@pytest.fixture
def renew(stripe_emulator, account):
    """Ends a subscription's period on ``account`` (the emulator's test control); returns the
    subscription as the control answers it."""

    def renew(subscription_id: str) -> dict:
        response = requests.post(
            f"{stripe_emulator.url}/_emulator/subscriptions/{subscription_id}/renew",
            json={"account": account},
            timeout=5,
        )
        response.raise_for_status()
        return response.json()

    return renew


def all_event_types(api) -> list[str]:
    """The types of the account's events, oldest first."""
    return [event.type for event in reversed(api.events.list({"limit": 100}).data)]


def period(subscription) -> tuple[int, int]:
    item = subscription["items"].data[0]
    return item.current_period_start, item.current_period_end
