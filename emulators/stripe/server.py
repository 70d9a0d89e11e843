"""Run the Stripe emulator: in a thread (tests) or as a process (``python -m …emulator``)."""

from __future__ import annotations

from pathlib import Path

from emulators.server import HostedEmulator
from emulators.stripe.app import EmulatorApp
from emulators.stripe.state import StripeState
from emulators.stripe.webhooks import Endpoint, WebhookSender

TEST_SECRET_KEY = "sk_test_emulator"
LIVE_SECRET_KEY = "sk_live_emulator"
CLIENT_ID = "ca_emulator"
TEST_WEBHOOK_SECRET = "whsec_emulator_test"
LIVE_WEBHOOK_SECRET = "whsec_emulator_live"


class StripeEmulator(HostedEmulator):
    """One emulated Stripe platform account, with its API keys, Connect app and endpoints."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        webhook_endpoints: list[Endpoint] | None = None,
        state_file: Path | None = None,
    ):
        super().__init__(host, port)
        self.state = StripeState(self.url, state_file=state_file)
        self.sender = WebhookSender(webhook_endpoints or [])
        self.app = EmulatorApp(
            self.state, self.sender, {TEST_SECRET_KEY, LIVE_SECRET_KEY}, {CLIENT_ID}
        )


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
