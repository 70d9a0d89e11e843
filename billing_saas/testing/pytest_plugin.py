"""Gives the test run its own throwaway PostgreSQL and Redis, unless URLs are given.

Loaded with ``-p`` (see pyproject.toml) so it runs before pytest-django reads the settings:
with no DATABASE_URL / REDIS_URL in the environment, it starts both embedded servers in a
temporary directory, points the settings at them, and deletes everything at the end.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_started: dict[str, Path] = {}


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    from billing_saas import embedded_services

    os.environ.setdefault("APP_ENV", "development")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        return
    root = Path(tempfile.mkdtemp(prefix="billing-saas-test-"))
    _started["root"] = root
    os.environ["DATA_DIR"] = str(root)
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = embedded_services.ensure_postgres(root / "postgres")
        _started["postgres"] = root / "postgres"
    if not os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = embedded_services.ensure_redis(root / "redis")
        _started["redis"] = root / "redis"


def pytest_unconfigure(config):
    from billing_saas import embedded_services

    if "redis" in _started:
        embedded_services.stop_redis(_started["redis"])
    if "postgres" in _started:
        embedded_services.stop_postgres(_started["postgres"])
    if "root" in _started:
        embedded_services.remove(_started["root"])
