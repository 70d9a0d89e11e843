"""Running test code the way concurrent requests and workers do: on their own connections."""

from __future__ import annotations

import threading
import uuid

from django.db import connection


def in_thread(work):
    """Run ``work`` on its own database connection (autocommit: others see what it writes)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as error:  # noqa: BLE001 - handed back to the test
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def all_at_once(count: int, work) -> tuple[list, list]:
    """``work()`` in ``count`` threads released together; returns (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:  # noqa: BLE001 - handed back to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def committed_account(name: str):
    """A new account committed for real (for tests whose threads must see it)."""
    from tenants.services import NewAccount, create_account

    slug = f"{name.lower()[:6]}{uuid.uuid4().hex[:8]}"
    return create_account(
        NewAccount(
            f"{name} Co", slug, f"{name} Owner", f"owner@{slug}.example", "x-Very-long-pass-9"
        )
    )
