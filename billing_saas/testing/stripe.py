"""Fixtures for the Stripe connector: one in-process emulator per test run."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from connectors import services
from connectors.stripe.app import StripeApp
from emulators.stripe.server import StripeEmulator, app_settings


@pytest.fixture(scope="session")
def stripe_emulator():
    emulator = StripeEmulator().start()
    yield emulator
    emulator.stop()


@pytest.fixture
def stripe_platform(settings, stripe_emulator):
    """Settings pointing at the emulator, with its faults and webhook pause reset."""
    for name, value in app_settings(stripe_emulator.url).items():
        setattr(settings, name, value)
    settings.STRIPE_NETWORK_RETRIES = 2
    settings.STRIPE_TIMEOUT_SECONDS = 5
    stripe_emulator.app.faults.clear()
    stripe_emulator.sender.paused = False
    yield stripe_emulator
    stripe_emulator.app.faults.clear()
    stripe_emulator.sender.paused = False


def connect_stripe(emulator, tenant, *, mode="test", business_name="Studio"):
    """Connects ``tenant`` to a new emulated Stripe account through the real OAuth exchange."""
    code = emulator.state.authorize(mode == "live", business_name, f"billing@{tenant.slug}.test")
    with schema_context(tenant.schema_name):
        account = StripeApp().finish_authorization(mode, {"code": code})
        return services.save_connection(tenant, owner_of(tenant), "stripe", mode, account)
