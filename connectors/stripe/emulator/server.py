"""Run the Stripe emulator: in a thread (tests) or as a process (``python -m …emulator``)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from connectors.stripe.emulator.app import EmulatorApp
from connectors.stripe.emulator.state import StripeState
from connectors.stripe.emulator.webhooks import Endpoint, WebhookSender

TEST_SECRET_KEY = "sk_test_emulator"
LIVE_SECRET_KEY = "sk_live_emulator"
CLIENT_ID = "ca_emulator"
TEST_WEBHOOK_SECRET = "whsec_emulator_test"
LIVE_WEBHOOK_SECRET = "whsec_emulator_live"

log = logging.getLogger(__name__)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        log.debug("stripe-emulator: " + format, *args)


class StripeEmulator:
    """One emulated Stripe platform account, with its API keys, Connect app and endpoints."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *,
                 webhook_endpoints: list[Endpoint] | None = None,
                 state_file: Path | None = None):  # fmt: skip
        self.server = make_server(
            host,
            port,
            lambda e, s: self.app(e, s),
            server_class=_ThreadingServer,
            handler_class=_QuietHandler,
        )
        self.url = f"http://{host}:{self.server.server_port}"
        self.state = StripeState(self.url, state_file=state_file)
        self.sender = WebhookSender(webhook_endpoints or [])
        self.app = EmulatorApp(
            self.state, self.sender, {TEST_SECRET_KEY, LIVE_SECRET_KEY}, {CLIENT_ID}
        )
        self._thread: threading.Thread | None = None

    def start(self) -> StripeEmulator:
        self._thread = threading.Thread(
            target=self.server.serve_forever, daemon=True, name="stripe-emulator"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def app_settings(url: str) -> dict[str, str]:
    """The app's settings (environment variables) that point it at an emulator at ``url``."""
    return {
        "STRIPE_TEST_SECRET_KEY": TEST_SECRET_KEY,
        "STRIPE_LIVE_SECRET_KEY": LIVE_SECRET_KEY,
        "STRIPE_TEST_CLIENT_ID": CLIENT_ID,
        "STRIPE_LIVE_CLIENT_ID": CLIENT_ID,
        "STRIPE_TEST_WEBHOOK_SECRET": TEST_WEBHOOK_SECRET,
        "STRIPE_LIVE_WEBHOOK_SECRET": LIVE_WEBHOOK_SECRET,
        "STRIPE_API_BASE": url,
        "STRIPE_CONNECT_BASE": url,
    }
