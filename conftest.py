"""Shared fixtures live in billing_saas/testing/fixtures.py so every app's tests can use them."""

from billing_saas.testing.fixtures import *  # noqa: F401,F403
