"""Run the QuickBooks emulator in a thread (tests) or as a process (``python -m …``)."""

from __future__ import annotations

from emulators.quickbooks.app import Notifier, QboApp
from emulators.quickbooks.state import QboState
from emulators.server import HostedEmulator

CLIENT_ID = "ABemulatorclientid"
CLIENT_SECRET = "emulator-client-secret"
VERIFIER_TOKEN = "emulator-verifier-token"


class QuickBooksEmulator(HostedEmulator):
    def __init__(self, host: str = "127.0.0.1", port: int = 0, webhook_urls=()):
        super().__init__(host, port)
        self.state = QboState(self.url, CLIENT_ID, CLIENT_SECRET)
        self.notifier = Notifier(VERIFIER_TOKEN)
        self.notifier.urls.extend(webhook_urls)
        self.app = QboApp(self.state, self.notifier)


def app_settings(url: str) -> dict[str, str]:
    """The app's settings (environment variables) that point it at an emulator at ``url``."""
    return {
        "QUICKBOOKS_CLIENT_ID": CLIENT_ID,
        "QUICKBOOKS_CLIENT_SECRET": CLIENT_SECRET,
        "QUICKBOOKS_ENVIRONMENT": f"{url}/.well-known/openid_configuration",
        "QUICKBOOKS_API_BASE": f"{url}/v3",
        "QUICKBOOKS_WEBHOOK_VERIFIER": VERIFIER_TOKEN,
    }
