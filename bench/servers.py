"""The processes under load: gunicorn (a fixed number of sync workers) and a Celery worker."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from billing_saas.embedded_services import free_port

BASE_DIR = Path(__file__).resolve().parent.parent
WEB_WORKERS = 2  # sync workers: one per core of the 2-core machine the goals were set on


@contextmanager
def gunicorn(env: dict[str, str], settings_module: str, workers: int = WEB_WORKERS):
    """A gunicorn serving the product's WSGI app; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "billing_saas.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            "--preload",
        ],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": settings_module},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_http(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for_http(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (exit code {process.returncode})")
        try:
            urllib.request.urlopen(
                urllib.request.Request(url + "/bench/bare/", headers={"Host": "localhost"}),
                timeout=2,
            )
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer")


@contextmanager
def celery_worker(env: dict[str, str], concurrency: int = WEB_WORKERS):
    """A Celery worker with ``concurrency`` prefork processes, as deployed."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "billing_saas",
            "--quiet",  # no banner
            "worker",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "--hostname",
            f"bench-{free_port()}@%h",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.settings"},
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)


def get(url: str, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """One request, for checking a page answers before putting it under load."""
    request = urllib.request.Request(url + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
