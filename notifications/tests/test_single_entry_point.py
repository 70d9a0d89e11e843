"""Every message goes out through notify(): no module outside notifications/ sends mail itself.

Read from the source, so a new caller that renders and sends its own email fails here, in the
commit that brings it, rather than when SMS arrives and it is the one place left without it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# What only notifications/ may import: Django's mail API and our own email and channel code.
FORBIDDEN = ("django.core.mail", "notifications.emails", "notifications.channels")
# Senders not yet pointed at notify(); converted (and removed from here) when their branch is
# merged. Keep this empty once they are.
NOT_YET_THROUGH_NOTIFY: tuple[str, ...] = ()
SKIPPED_DIRS = {".venv", ".git", ".data", "node_modules", "staticfiles", "test-artifacts"}


def _product_modules():
    for path in sorted(BASE_DIR.rglob("*.py")):
        relative = path.relative_to(BASE_DIR)
        parts = relative.parts
        if SKIPPED_DIRS.intersection(parts) or "tests" in parts or parts[0] == "notifications":
            continue
        if relative.as_posix().startswith("billing_saas/testing/"):
            continue  # test helpers (they build raw emails to feed the outbox)
        if path.name.startswith("test_") or path.name == "conftest.py":
            continue
        yield relative.as_posix(), path


def _imported(path: Path) -> set[str]:
    """Every module (and module.name) the file imports, at any depth."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _sends_mail_itself(path: Path) -> list[str]:
    return sorted(
        name
        for name in _imported(path)
        if any(name == module or name.startswith(module + ".") for module in FORBIDDEN)
    )


def test_no_module_outside_notifications_sends_mail_itself():
    offenders = {
        name: imports
        for name, path in _product_modules()
        if name not in NOT_YET_THROUGH_NOTIFY and (imports := _sends_mail_itself(path))
    }
    assert not offenders, f"send through notifications.notify.notify(): {offenders}"


def test_the_known_exceptions_are_still_exceptions():
    """An exception converted to notify() must leave the list, so it cannot slip back."""
    converted = [
        name
        for name in NOT_YET_THROUGH_NOTIFY
        if (BASE_DIR / name).exists() and not _sends_mail_itself(BASE_DIR / name)
    ]
    assert not converted, f"remove from NOT_YET_THROUGH_NOTIFY: {converted}"


def test_the_check_reads_the_callers_it_guards():
    """A check that finds no files passes for nothing."""
    names = {name for name, _path in _product_modules()}
    assert {"tenants/account_links.py", "payment_requests/services/emails.py"} <= names
