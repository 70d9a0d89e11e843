"""`make dev` brings the whole stack up on embedded services and Ctrl-C takes it all down."""

import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from billing_saas.embedded_services import free_port, redis_answers

BASE_DIR = Path(__file__).resolve().parents[2]


def get(port: int, host: str, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": f"{host}:{port}"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_for(port: int, host: str, path: str, timeout: float) -> tuple[int, bytes]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return get(port, host, path)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@contextmanager
def data_dir_outside_pytest_temp() -> Iterator[Path]:
    """A data directory for embedded servers, outside pytest's temp root: every pytest run
    that starts on the machine makes that root private again (0700), which locks out the
    embedded PostgreSQL, run under its own user when the tests run as root."""
    root = Path(tempfile.mkdtemp(prefix="billing-saas-dev-"))
    try:
        yield root / "data"
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def dev_data_dir() -> Iterator[Path]:
    with data_dir_outside_pytest_temp() as data_dir:
        yield data_dir


@pytest.fixture
def dev_stack(dev_data_dir):
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DATA_DIR", "EMAIL_BACKEND"}
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "billing_saas.devserver",
            "--port",
            str(port),
            "--data-dir",
            str(dev_data_dir),
            "--no-reload",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process, port, dev_data_dir
    if process.poll() is None:
        process.kill()
        process.wait()


def test_make_dev_serves_the_demo_login_then_stops_everything_on_ctrl_c(dev_stack):
    process, port, data_dir = dev_stack

    status, body = wait_for(port, "demo.localhost", "/accounts/login/", timeout=120)
    assert status == 200
    assert b"Sign in to Demo Agency" in body
    status, _ = get(port, "localhost", "/signup/")
    assert status == 200
    assert (data_dir / "postgres" / "postmaster.pid").exists()
    redis_port = int((data_dir / "redis" / "port").read_text())
    assert redis_answers(redis_port)

    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)

    assert process.returncode == 0, output
    assert "demo.localhost" in output and "owner@demo.example" in output
    assert not (data_dir / "postgres" / "postmaster.pid").exists()
    assert not redis_answers(redis_port)
    with pytest.raises(OSError):
        get(port, "localhost", "/signup/")
    assert not leftover_processes(data_dir, port)


def leftover_processes(data_dir: Path, port: int) -> list[str]:
    """Web, worker, beat, emulator or PostgreSQL processes of this stack that are still alive."""
    return [" ".join(proc.info["cmdline"]) for proc in stack_processes(data_dir, port)]


def stack_processes(data_dir: Path, port: int) -> list:
    import psutil

    marks = (
        f"dev-worker-{port}",
        f"127.0.0.1:{port}",
        f"localhost:{port}/webhooks/",  # the emulators deliver webhooks to the web server
        str(data_dir),  # beat's schedule, the Stripe emulator's state, PostgreSQL's data
    )
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if proc.info["status"] != psutil.STATUS_ZOMBIE and any(m in cmdline for m in marks):
            found.append(proc)
    return found
