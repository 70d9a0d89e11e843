"""Shared fixtures live in billing_saas/testing/fixtures.py so every app's tests can use them."""

import pytest

from billing_saas.testing.fixtures import *  # noqa: F401,F403
from billing_saas.testing.quickbooks import *  # noqa: F401,F403
from billing_saas.testing.stripe import *  # noqa: F401,F403
from billing_saas.testing.twilio import *  # noqa: F401,F403


def pytest_collection_modifyitems(items):
    # pytest-django only creates the test database when a collected test asks for it; tests
    # that use the session accounts (browser tests, worker tests) need it too.
    for item in items:
        if "accounts" in getattr(item, "fixturenames", ()) and not item.get_closest_marker(
            "django_db"
        ):
            item.add_marker(pytest.mark.django_db)
