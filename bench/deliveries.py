"""Signed Stripe webhook deliveries, written to a file for wrk to post in turn.

Each is a distinct ``invoice.paid`` event of the connected account, signed as Stripe signs
(``t=<timestamp>,v1=<HMAC-SHA256>``) moments before the round: the endpoint refuses
signatures older than five minutes.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from emulators.stripe.server import TEST_WEBHOOK_SECRET
from emulators.stripe.webhooks import sign

EVENT_PREFIX = "evt_bench_"
INVOICE_PREFIX = "in_bench_"


def event(account_id: str, tag: str, number: int, now: int) -> dict:
    invoice = f"{INVOICE_PREFIX}{tag}_{number:06d}"
    return {
        "id": f"{EVENT_PREFIX}{tag}_{number:06d}",
        "object": "event",
        "api_version": "2024-06-20",
        "account": account_id,
        "created": now,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "invoice.paid",
        "data": {
            "object": {
                "id": invoice,
                "object": "invoice",
                "status": "paid",
                "currency": "eur",
                "amount_due": 25000 + number % 1000,
                "amount_paid": 25000 + number % 1000,
                "amount_remaining": 0,
                "customer": f"cus_bench_{number % 500:04d}",
                "number": f"BENCH-{number:06d}",
                "hosted_invoice_url": f"https://invoice.stripe.com/i/{invoice}",
                "collection_method": "send_invoice",
                "due_date": now + 14 * 86400,
                "metadata": {},
                "livemode": False,
            }
        },
    }


def write(path: Path, account_id: str, tag: str, count: int) -> Path:
    """``count`` deliveries, one a line: ``<Stripe-Signature>\\t<body>``."""
    now = int(time.time())
    with open(path, "w") as out:
        for number in range(count):
            body = json.dumps(event(account_id, tag, number, now), separators=(",", ":"))
            out.write(f"{sign(body, TEST_WEBHOOK_SECRET, now)}\t{body}\n")
    return path
