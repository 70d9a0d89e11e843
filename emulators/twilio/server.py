"""Run the Twilio emulator in a thread (tests) or as a process (``python -m …``)."""

from __future__ import annotations

from emulators.server import HostedEmulator
from emulators.twilio.app import TwilioApp
from emulators.twilio.courier import Courier
from emulators.twilio.state import TwilioState

ACCOUNT_SID = "AC" + "e" * 32
AUTH_TOKEN = "emulator-auth-token-0123456789ab"
FROM_NUMBER = "+15005550006"  # Twilio's magic "valid sender" test number
MESSAGING_SERVICE_SID = "MG" + "e" * 32


class TwilioEmulator(HostedEmulator):
    def __init__(self, host: str = "127.0.0.1", port: int = 0, inbound_url: str = ""):
        super().__init__(host, port)
        self.state = TwilioState(ACCOUNT_SID, AUTH_TOKEN, {MESSAGING_SERVICE_SID: FROM_NUMBER})
        self.courier = Courier(self.state)
        self.courier.inbound_url = inbound_url
        self.app = TwilioApp(self.state, self.courier, FROM_NUMBER)

    def inbound(self, phone: str, body: str, our_number: str = FROM_NUMBER) -> tuple[dict, int]:
        """The test driver: ``phone`` answers ``body`` (what the page's form does)."""
        return self.courier.inbound(phone, our_number, body)

    def add_account(self, sid: str, token: str, services: dict[str, str] | None = None) -> None:
        """Another Twilio account (an account's own), with its messaging services
        (SID -> the number each sends from)."""
        self.state.add_account(sid, token, services)

    def flush_callbacks(self) -> int:
        """Deliver now, in this thread, the status callbacks held (``courier.synchronous``)."""
        return self.courier.flush()

    def sent_to(self, phone: str, account_sid: str = "") -> list[dict]:
        """The messages sent to ``phone``, oldest first; only ``account_sid``'s if given."""
        return [
            m
            for m in self.state.conversations().get(phone, [])
            if m["to"] == phone and (not account_sid or m["account_sid"] == account_sid)
        ]


def app_settings(url: str) -> dict[str, str]:
    """The app's settings (environment variables) that point it at an emulator at ``url``."""
    return {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": FROM_NUMBER,
        "TWILIO_MESSAGING_SERVICE_SID": "",
        "TWILIO_API_BASE": url,
    }
