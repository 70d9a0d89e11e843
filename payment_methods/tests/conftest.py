"""The portal's Payment methods against the Stripe emulator: a client of alpha signed into the
portal, alpha connected to Stripe (or to QuickBooks, which keeps no methods)."""

from __future__ import annotations

import pytest

from billing_saas.testing.fixtures import install_client_billing
from billing_saas.testing.stripe import connect_stripe
from client_portal.tests.conftest import make_client, signed_in
from connectors.tests.stripe_saved_cards import type_card

LIST = "/portal/payment-methods/"


@pytest.fixture(autouse=True)
def _client_billing_installed(alpha):
    install_client_billing(alpha)


@pytest.fixture
def stripe_connection(stripe_platform, alpha):
    stripe_platform.sender.paused = True  # the pages read the platform back themselves
    return connect_stripe(stripe_platform, alpha)


@pytest.fixture
def ana(alpha):
    return make_client(alpha, "Ana Client")


@pytest.fixture
def portal(alpha, ana):
    return signed_in(alpha, ana)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def add_card(browser, number: str = "4242 4242 4242 4242"):
    """Add a payment method → the platform's page → this card typed → back on our list."""
    to_platform = browser.post(f"{LIST}add/")
    assert to_platform.status_code == 302 and "/c/setup/" in to_platform["Location"]
    typed = type_card(to_platform["Location"], number)
    assert typed.status_code == 302, typed.text
    return browser.get(path_of(typed.headers["Location"]))
