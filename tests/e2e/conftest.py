"""Browser tests: a real server process on the test database, driven by Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from billing_saas.embedded_services import free_port
from billing_saas.testing.fixtures import database_url_for_processes
from emulators.quickbooks.server import app_settings as quickbooks_settings
from emulators.stripe.server import TEST_WEBHOOK_SECRET, app_settings
from emulators.stripe.webhooks import Endpoint

# Playwright's sync API runs an event loop in this thread; the ORM calls our tests make
# between browser steps are ordinary blocking calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BASE_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS = BASE_DIR / "test-artifacts"


class LiveApp:
    def __init__(self, port: int):
        self.port = port

    def url(self, host: str = "localhost", path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def account_url(self, tenant, path: str = "/") -> str:
        return self.url(tenant.host, path)


@pytest.fixture(scope="session")
def live_app(accounts, stripe_emulator, quickbooks_emulator):
    """runserver on a free port, reading and writing the test database (committed rows).

    It talks to the session's Stripe emulator, which delivers its webhooks back to it.
    """
    with serving(stripe_emulator, quickbooks_emulator) as app:
        yield app


@contextmanager
def serving(stripe_emulator, quickbooks_emulator, log_name="live-server", **extra_env):
    """A server and its worker on the test database, with ``extra_env`` added to their
    environment (a module that needs other settings starts its own; see
    test_messages_journey.py)."""
    port = free_port()
    env = dict(
        os.environ,
        **app_settings(stripe_emulator.url),
        **quickbooks_settings(quickbooks_emulator.url),
        DATABASE_URL=database_url_for_processes(),
        EMAIL_BACKEND="notifications.backends.OutboxEmailBackend",
        DEV_OUTBOX="1",
        APP_ENV="development",
        PYTHONUNBUFFERED="1",
        SITE_PORT=str(port),
        **extra_env,
    )
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"{log_name}.log", "w")  # noqa: SIM115 - closed at the end
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"live server did not start; see {log.name}") from None
            time.sleep(0.2)
    # The worker that applies webhooks and sends emails, on the same settings as the server.
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "billing_saas",
            "worker",
            "--pool",
            "threads",
            "--concurrency",
            "4",
            "--hostname",
            f"e2e-worker-{port}@%h",
            "--loglevel",
            "INFO",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = Endpoint(f"http://localhost:{port}/webhooks/stripe/test/", TEST_WEBHOOK_SECRET)
    stripe_emulator.sender.endpoints.append(endpoint)
    quickbooks_url = f"http://localhost:{port}/webhooks/quickbooks/"
    quickbooks_emulator.notifier.urls.append(quickbooks_url)
    try:
        yield LiveApp(port)
    finally:
        stripe_emulator.sender.endpoints.remove(endpoint)
        quickbooks_emulator.notifier.urls.remove(quickbooks_url)
        for child in (process, worker):
            child.terminate()
        for child in (process, worker):
            child.wait(timeout=30)
        log.close()


@pytest.fixture(autouse=True)
def _platforms_deliver_webhooks(stripe_emulator, quickbooks_emulator):
    """Whatever earlier tests did to the session's emulators, browser tests get webhooks."""
    stripe_emulator.sender.paused = False
    stripe_emulator.app.faults.clear()
    quickbooks_emulator.notifier.paused = False
    quickbooks_emulator.notifier.format = "classic"


def _chromium_path() -> str:
    path = (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        pytest.fail("Debian's chromium is needed for browser tests: `make test` installs it.")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium_path(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
