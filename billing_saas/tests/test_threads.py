"""The race helper fails a test on a thread that dies or hangs, and hands back every answer."""

from __future__ import annotations

import threading
import time

import pytest

from billing_saas.testing.threads import all_at_once, in_thread


def ticket_machine():
    """Hands each caller its own number (0, 1, 2…), whatever the threads' interleaving."""
    counter = iter(range(1000))
    lock = threading.Lock()

    def take():
        with lock:
            return next(counter)

    return take


def test_every_thread_answers():
    results = all_at_once(8, ticket_machine())

    assert len(results) == 8 and sorted(results) == list(range(8))


def test_the_threads_are_released_together():
    arrived = []
    gate = threading.Event()

    def work():
        arrived.append(1)
        # Each thread waits for all the others: only threads started at once get through.
        if len(arrived) == 5:
            gate.set()
        return gate.wait(5)

    assert all_at_once(5, work) == [True] * 5


def test_a_thread_that_raises_fails_the_test_with_its_error():
    ticket, finished = ticket_machine(), []

    def work():
        if ticket() == 2:
            raise ValueError("the third one broke")
        finished.append(1)
        return "ok"

    with pytest.raises(ValueError, match="the third one broke") as raised:
        all_at_once(6, work)
    assert len(finished) == 5  # the others still ran to the end
    assert "of 6 (1 raised)" in raised.value.__notes__[0]


def test_an_expected_error_is_a_result_to_count():
    ticket = ticket_machine()

    def work():
        if ticket() % 2:
            raise LookupError("refused")
        return "done"

    results = all_at_once(6, work, expected=(LookupError,))

    assert results.count("done") == 3
    assert sum(isinstance(result, LookupError) for result in results) == 3


def test_a_thread_that_hangs_fails_the_test_within_the_deadline():
    release, ticket = threading.Event(), ticket_machine()

    def work():
        if ticket() == 1:
            release.wait(30)  # a deadlock, as far as the test can tell
        return "ok"

    started = time.monotonic()
    try:
        with pytest.raises(AssertionError, match=r"1 of 4 threads still running after 0.5 s"):
            all_at_once(4, work, deadline=0.5)
    finally:
        release.set()
    assert time.monotonic() - started < 5


def test_in_thread_fails_on_a_hang_and_passes_errors_on():
    release = threading.Event()
    try:
        with pytest.raises(AssertionError, match="still running"):
            in_thread(lambda: release.wait(30), deadline=0.3)
    finally:
        release.set()
    with pytest.raises(KeyError):
        in_thread(lambda: {}["missing"])
    assert in_thread(lambda: 42) == 42
