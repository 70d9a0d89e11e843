"""Running test code the way concurrent requests and workers do: on their own connections."""

from __future__ import annotations

import threading
import time
import uuid

from django.db import connection

DEADLINE_SECONDS = 60.0


def in_thread(work, *, deadline: float = DEADLINE_SECONDS):
    """Run ``work`` on its own database connection (autocommit: others see what it writes)."""
    (result,) = all_at_once(1, work, deadline=deadline)
    return result


def all_at_once(
    count: int,
    work,
    *,
    deadline: float = DEADLINE_SECONDS,
    expected: tuple[type[BaseException], ...] = (),
) -> list:
    """``work()`` in ``count`` threads released together; every thread's result, in order.

    Each thread has its own database connection. A thread that raises fails the caller with
    its error, unless the error is one of ``expected`` (then the error is that thread's
    result, for the test to count); a thread still running after ``deadline`` seconds fails
    the caller too. A race test therefore never passes on fewer answers than threads."""
    barrier = threading.Barrier(count)
    outcomes: dict[int, tuple[bool, object]] = {}

    def run(index: int) -> None:
        try:
            barrier.wait(deadline)
            outcomes[index] = (True, work())
        except expected as error:
            outcomes[index] = (True, error)
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcomes[index] = (False, error)
        finally:
            connection.close()

    # Daemons: a hung thread must not keep the test run alive after it has failed.
    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    ends_at = time.monotonic() + deadline
    for thread in threads:
        thread.join(max(0.0, ends_at - time.monotonic()))
    hung = sum(thread.is_alive() for thread in threads)
    if hung:
        raise AssertionError(
            f"{hung} of {count} threads still running after {deadline:g} s (hung or deadlocked)"
        )
    failed = [(index, value) for index, (ok, value) in sorted(outcomes.items()) if not ok]
    if failed:
        index, error = failed[0]
        error.add_note(f"raised in thread {index + 1} of {count} ({len(failed)} raised)")
        raise error
    return [outcomes[index][1] for index in range(count)]


def committed_account(name: str):
    """A new account committed for real (for tests whose threads must see it)."""
    from tenants.services import NewAccount, create_account

    slug = f"{name.lower()[:6]}{uuid.uuid4().hex[:8]}"
    return create_account(
        NewAccount(
            f"{name} Co", slug, f"{name} Owner", f"owner@{slug}.example", "x-Very-long-pass-9"
        )
    )
