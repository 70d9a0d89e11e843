"""``python -m emulators.quickbooks --port 12112 --webhook-url URL``."""

from __future__ import annotations

import argparse
import signal
import sys

from emulators.quickbooks.server import QuickBooksEmulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12112)
    parser.add_argument("--webhook-url", action="append", default=[])
    args = parser.parse_args(argv)
    emulator = QuickBooksEmulator(args.host, args.port, args.webhook_url)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"QuickBooks emulator on {emulator.url}", flush=True)
    emulator.http.serve_forever()


if __name__ == "__main__":
    main()
