"""``python -m emulators.stripe --port 12111 --webhook-url URL``."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path

from emulators.stripe.server import (
    LIVE_WEBHOOK_SECRET,
    TEST_WEBHOOK_SECRET,
    StripeEmulator,
)
from emulators.stripe.webhooks import Endpoint


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument(
        "--webhook-url", action="append", default=[], help="test-mode endpoint; repeat for several"
    )
    parser.add_argument("--live-webhook-url", action="append", default=[])
    parser.add_argument("--state-file", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s stripe-emulator %(message)s")
    endpoints = [Endpoint(url, TEST_WEBHOOK_SECRET) for url in args.webhook_url]
    endpoints += [
        Endpoint(url, LIVE_WEBHOOK_SECRET, livemode=True) for url in args.live_webhook_url
    ]
    emulator = StripeEmulator(
        args.host, args.port, webhook_endpoints=endpoints, state_file=args.state_file
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"Stripe emulator on {emulator.url}", flush=True)
    try:
        emulator.server.serve_forever()
    finally:
        emulator.server.server_close()


if __name__ == "__main__":
    main()
