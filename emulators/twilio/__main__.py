"""``python -m emulators.twilio --port 12113 --inbound-url URL``; its page lists the messages."""

from __future__ import annotations

import argparse
import signal
import sys

from emulators.twilio.server import TwilioEmulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12113)
    parser.add_argument("--inbound-url", default="", help="the app's inbound SMS webhook")
    args = parser.parse_args(argv)
    emulator = TwilioEmulator(args.host, args.port, args.inbound_url)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"Twilio emulator on {emulator.url}", flush=True)
    emulator.http.serve_forever()


if __name__ == "__main__":
    main()
