"""Fixtures for the QuickBooks connector: one in-process emulator per test run."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from connectors import services
from connectors.quickbooks.app import QuickBooksApp
from emulators.quickbooks.server import QuickBooksEmulator, app_settings

REDIRECT_URI = "http://localhost/connect/quickbooks/callback/"


@pytest.fixture(scope="session")
def quickbooks_emulator():
    emulator = QuickBooksEmulator().start()
    yield emulator
    emulator.stop()


@pytest.fixture
def quickbooks_platform(settings, quickbooks_emulator):
    for name, value in app_settings(quickbooks_emulator.url).items():
        setattr(settings, name, value)
    quickbooks_emulator.notifier.paused = True  # tests deliver notifications themselves
    yield quickbooks_emulator
    quickbooks_emulator.notifier.paused = False
    quickbooks_emulator.notifier.format = "classic"


def connect_quickbooks(emulator, tenant, company="Alpha Books"):
    """Connects ``tenant`` to a new emulated company through intuit-oauth's token exchange."""
    code, realm = emulator.state.consent(company, f"books@{tenant.slug}.test", REDIRECT_URI)
    with schema_context(tenant.schema_name):
        account = QuickBooksApp().finish_authorization(
            "test", {"code": code, "realmId": realm, "redirect_uri": REDIRECT_URI}
        )
        return services.save_connection(tenant, owner_of(tenant), "quickbooks", "test", account)
