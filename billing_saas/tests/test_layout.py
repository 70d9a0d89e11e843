"""The product's code does not depend on what only tests and the offline demo use."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PRODUCT = (
    "billing_saas", "tenants", "clients", "solutions", "payment_requests", "connectors",
    "notifications", "products", "quotes", "client_portal", "payment_methods",
    "subscriptions",
)  # fmt: skip
# Development and test tools inside those apps: they start the emulators on purpose.
DEV_ONLY = (
    "billing_saas/testing/",
    "billing_saas/devserver.py",
    "tenants/management/commands/seed_demo.py",
)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _product_files():
    for app in PRODUCT:
        for path in (BASE_DIR / app).rglob("*.py"):
            relative = path.relative_to(BASE_DIR).as_posix()
            if "/tests/" in relative or "/migrations/" in relative:
                continue
            if relative.startswith(DEV_ONLY):
                continue
            yield relative, path


def test_no_product_module_imports_the_emulators():
    files = dict(_product_files())
    assert "connectors/stripe/platform.py" in files  # the check reads what it guards
    offenders = {
        name: sorted(module for module in _imports(path) if module.split(".")[0] == "emulators")
        for name, path in files.items()
    }
    assert not {name: found for name, found in offenders.items() if found}


def test_the_production_image_ships_no_emulator():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert "COPY connectors ./connectors" in dockerfile
    assert "emulators" not in dockerfile
    for app in PRODUCT:
        assert f"COPY {app} ./{app}" in dockerfile


def test_every_test_module_is_collected_by_make_test():
    """A test file outside pytest's ``testpaths`` never runs in CI: each one must be inside."""
    import tomllib

    config = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())
    testpaths = config["tool"]["pytest"]["ini_options"]["testpaths"]
    outside = [
        str(path.relative_to(BASE_DIR))
        for path in BASE_DIR.glob("*/**/test_*.py")
        if ".venv" not in path.parts
        and "node_modules" not in path.parts
        and path.relative_to(BASE_DIR).parts[0] not in testpaths
    ]
    assert outside == []
