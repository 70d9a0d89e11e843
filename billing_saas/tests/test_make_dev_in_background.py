"""`make dev &` from a script stops cleanly on SIGINT and SIGTERM alike, leaving nothing behind.

A background job of a non-interactive shell starts with SIGINT ignored, and make passes that on
to everything it runs (and ignores SIGINT itself). The dev server must still stop on SIGINT sent
to the job's process group (what Ctrl-C does) and on SIGTERM sent to make, which make forwards.
"""

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from billing_saas.embedded_services import free_port, redis_answers, stop_postgres, stop_redis
from billing_saas.tests.test_devserver import (
    BASE_DIR,
    data_dir_outside_pytest_temp,
    leftover_processes,
    stack_processes,
    wait_for,
)


@pytest.fixture(scope="module")
def make_dev_data_dir():
    """Shared by the tests below: the second start finds the database already migrated."""
    with data_dir_outside_pytest_temp() as data_dir:
        yield data_dir


@pytest.fixture
def make_dev_in_background(make_dev_data_dir, tmp_path):
    port, stripe_port, quickbooks_port = free_port(), free_port(), free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_BACKEND", "MAKEFLAGS", "MAKELEVEL"}
    }
    env.update(
        DATA_DIR=str(make_dev_data_dir),
        STRIPE_EMULATOR_PORT=str(stripe_port),
        QUICKBOOKS_EMULATOR_PORT=str(quickbooks_port),
    )
    log_path = tmp_path / "make-dev.log"
    with open(log_path, "w") as log:
        make = subprocess.Popen(
            # -o install: run from the installed .venv; installing is not what is tested here.
            ["make", "--no-print-directory", "-o", "install", "dev", f"PORT={port}"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the job's own process group, as under a script
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )
    stack = BackgroundStack(make, port, (stripe_port, quickbooks_port), make_dev_data_dir, log_path)
    yield stack
    if make.poll() is None:
        os.killpg(make.pid, signal.SIGKILL)
        make.wait()
    stop_redis(make_dev_data_dir / "redis")
    stop_postgres(make_dev_data_dir / "postgres")
    for proc in stack_processes(make_dev_data_dir, port):
        proc.kill()


@dataclass
class BackgroundStack:
    make: subprocess.Popen
    port: int
    emulator_ports: tuple[int, int]
    data_dir: Path
    log_path: Path

    def wait_until_serving(self) -> None:
        status, _ = wait_for(self.port, "demo.localhost", "/accounts/login/", timeout=90)
        assert status == 200, self.log_path.read_text()
        # postmaster.pid's fourth line is PostgreSQL's port.
        pid_lines = (self.data_dir / "postgres" / "postmaster.pid").read_text().splitlines()
        self.postgres_port = int(pid_lines[3])
        self.redis_port = int((self.data_dir / "redis" / "port").read_text())
        assert redis_answers(self.redis_port)

    def wait_for_make(self) -> int:
        started = time.monotonic()
        code = self.make.wait(timeout=45)
        self.stopped_after = time.monotonic() - started
        return code

    def listening_ports(self) -> list[int]:
        ports = (self.port, self.postgres_port, *self.emulator_ports)
        return [port for port in ports if accepts_connections(port)]


def accepts_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def assert_nothing_left_behind(stack: BackgroundStack) -> None:
    log = stack.log_path.read_text()
    assert "stopping embedded PostgreSQL" in log, log
    assert stack.stopped_after < 30, log
    assert not (stack.data_dir / "postgres" / "postmaster.pid").exists()
    assert not redis_answers(stack.redis_port)
    assert stack.listening_ports() == []
    assert leftover_processes(stack.data_dir, stack.port) == []


def test_make_dev_in_the_background_stops_everything_on_sigint_to_its_process_group(
    make_dev_in_background,
):
    stack = make_dev_in_background
    stack.wait_until_serving()

    os.killpg(stack.make.pid, signal.SIGINT)  # make ignores it; the dev server must not

    assert stack.wait_for_make() == 0
    assert_nothing_left_behind(stack)


def test_make_dev_in_the_background_stops_everything_on_sigterm_to_make(make_dev_in_background):
    stack = make_dev_in_background
    stack.wait_until_serving()

    stack.make.terminate()  # make forwards SIGTERM to the dev server, then ends itself with it

    assert stack.wait_for_make() == -signal.SIGTERM
    assert_nothing_left_behind(stack)
