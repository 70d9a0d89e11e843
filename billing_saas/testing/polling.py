"""Waiting for what another process does (a worker, a server): polled, with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_until(
    read: Callable[[], Any],
    until: Callable[[Any], bool] = bool,
    *,
    timeout: float = 30.0,
    every: float = 0.2,
) -> Any:
    """Call ``read`` until ``until`` accepts what it returns, and return that; after ``timeout``
    seconds fail with the last value read."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if until(value):
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"still not as expected after {timeout:g} s: {value!r}")
        time.sleep(every)
