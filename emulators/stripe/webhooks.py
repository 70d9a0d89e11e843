"""Signed webhook delivery, with Stripe's ``Stripe-Signature`` scheme and retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

log = logging.getLogger(__name__)


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


@dataclass
class Endpoint:
    url: str
    secret: str
    livemode: bool = False


class WebhookSender:
    """Delivers each event to the endpoints of its mode on a background thread.

    A failed delivery is retried a few times with backoff, as Stripe does (over days there;
    seconds here). ``paused`` keeps events from being delivered at all, to play a lost webhook.
    """

    RETRY_DELAYS = (0.5, 2, 5)

    def __init__(self, endpoints: list[Endpoint]):
        self.endpoints = endpoints
        self.paused = False
        self.delivered: list[dict] = []
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="stripe-webhooks", daemon=True)
        self._thread.start()

    def enqueue(self, event: dict) -> None:
        if self.paused:
            return
        for endpoint in self.endpoints:
            if endpoint.livemode == bool(event.get("livemode")):
                self._queue.put((endpoint, event, 0))

    def wait_idle(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.05)

    def _run(self) -> None:
        while True:
            endpoint, event, attempt = self._queue.get()
            try:
                self._deliver(endpoint, event, attempt)
            finally:
                self._queue.task_done()

    def _deliver(self, endpoint: Endpoint, event: dict, attempt: int) -> None:
        payload = json.dumps(event, indent=2)
        request = urllib.request.Request(
            endpoint.url,
            data=payload.encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": sign(payload, endpoint.secret),
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError as error:
            status = 0
            log.info("webhook %s to %s failed: %s", event["id"], endpoint.url, error)
        self.delivered.append({"event": event["id"], "url": endpoint.url, "status": status})
        if not 200 <= status < 300 and attempt < len(self.RETRY_DELAYS):
            timer = threading.Timer(
                self.RETRY_DELAYS[attempt],
                lambda: self._queue.put((endpoint, event, attempt + 1)),
            )
            timer.daemon = True
            timer.start()
