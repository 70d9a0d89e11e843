"""The production shape: compose uses only settings the app reads, and unsafe settings refuse."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def variables_read_by_settings() -> set[str]:
    tree = ast.parse((BASE_DIR / "billing_saas" / "settings.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"env", "envbool", "envint"}
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def app_environment_in_compose() -> set[str]:
    """The keys of the environment block every app service (migrate, web, worker, beat) gets."""
    text = (BASE_DIR / "docker-compose.yml").read_text()
    block = re.search(r"^x-app-environment: &app-environment\n((?:  .*\n)+)", text, re.M)
    assert block, "docker-compose.yml has no x-app-environment block"
    keys = set(re.findall(r"^  ([A-Z][A-Z0-9_]*):", block.group(1), re.M))
    assert re.findall(r"environment: \*app-environment", text), "app services share the block"
    return keys


def test_compose_gives_the_app_only_variables_its_settings_read():
    unknown = app_environment_in_compose() - variables_read_by_settings()
    assert not unknown, f"docker-compose.yml sets variables settings.py never reads: {unknown}"


def test_compose_sets_what_production_requires():
    assert {
        "APP_ENV",
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "BASE_DOMAIN",
        "CONNECTOR_ENCRYPTION_KEYS",
    } <= app_environment_in_compose()


def test_every_setting_variable_is_documented_in_the_readme():
    readme = (BASE_DIR / "README.md").read_text()
    missing = {name for name in variables_read_by_settings() if f"`{name}`" not in readme}
    assert not missing, f"README's configuration table lacks {missing}"


PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "a-long-production-secret-key-0123456789",
    "DATABASE_URL": "postgresql://u@127.0.0.1:1/x",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "CONNECTOR_ENCRYPTION_KEYS": "ZmFrZS1idWlsZC1rZXktZmFrZS1idWlsZC1rZXktMDA=",
}


def start_django(**overrides) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in set(PRODUCTION)
        | {"DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "DATA_DIR", "EMAIL_BACKEND"}
    }
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="billing_saas.settings")
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_start_when_safe():
    result = start_django()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"DEBUG": "1"}, "DEBUG must be off"),
        ({"SESSION_COOKIE_SECURE": "0"}, "SESSION_COOKIE_SECURE"),
        ({"CSRF_COOKIE_SECURE": "false"}, "CSRF_COOKIE_SECURE"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"CONNECTOR_ENCRYPTION_KEYS": None}, "CONNECTOR_ENCRYPTION_KEYS"),
    ],
)
def test_production_settings_refuse_to_start_when_unsafe(overrides, reason):
    result = start_django(**overrides)
    assert result.returncode != 0
    assert reason in result.stderr
