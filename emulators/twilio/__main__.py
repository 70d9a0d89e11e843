"""``python -m emulators.twilio --port 12113 --inbound-url URL [--account SID:TOKEN]…``; its
page lists the messages. ``--account`` adds a Twilio account beside the default one (to try an
account's own credentials on its SMS settings page); it may send from any valid number."""

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
    parser.add_argument(
        "--account", action="append", default=[], metavar="SID:TOKEN", help="another account"
    )
    args = parser.parse_args(argv)
    emulator = TwilioEmulator(args.host, args.port, args.inbound_url)
    for account in args.account:
        sid, _, token = account.partition(":")
        if not (sid.startswith("AC") and token):
            parser.error(f"--account {account!r}: expected SID:TOKEN")
        emulator.add_account(sid, token)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"Twilio emulator on {emulator.url}", flush=True)
    emulator.http.serve_forever()


if __name__ == "__main__":
    main()
