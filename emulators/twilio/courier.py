"""What the emulated Twilio posts to the app: status callbacks and inbound messages, each
form-encoded and signed with ``X-Twilio-Signature`` (``RequestValidator``) with the auth token of
the account concerned, whose SID they carry as ``AccountSid``."""

from __future__ import annotations

import logging
import queue
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit, urlunsplit

from twilio.request_validator import RequestValidator

from emulators.twilio.state import API_VERSION, FAILING_RECIPIENTS, TwilioState

log = logging.getLogger(__name__)


def http_post(url: str, params: dict[str, str], headers: dict[str, str]) -> int:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host.endswith(".localhost"):
        # An account's host in development (alpha.localhost): loopback by definition (RFC
        # 6761), though not every resolver knows it. The Host header keeps the account.
        headers = {**headers, "Host": parts.netloc}
        url = urlunsplit(parts._replace(netloc=parts.netloc.replace(host, "127.0.0.1", 1)))
    request = urllib.request.Request(url, data=urlencode(params).encode(), headers=headers)
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code
    except OSError as error:
        log.info("twilio emulator: %s unreachable (%s)", url, error)
        return 0


class Courier:
    """Posts signed requests; status callbacks go from a thread, a moment apart, as Twilio's
    do (``sent``, then ``delivered``, ``failed`` or ``undelivered``).

    ``post`` is how a request leaves (tests may route it into Django's test client);
    ``delivered`` records every request made: (url, params, signature, HTTP status).

    ``synchronous`` (tests): status callbacks are held instead, until ``flush()`` delivers
    them in the calling thread, at once; the thread then delivers none of them.
    """

    def __init__(self, state: TwilioState, delay: float = 0.05):
        self.state = state
        self.delay = delay
        self.inbound_url = ""
        self.post = http_post
        self.synchronous = False
        self.delivered: list[tuple[str, dict, str, int]] = []
        self._held: list[tuple[str, str]] = []
        self._held_lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._run, daemon=True, name="twilio-callbacks").start()

    def signed_post(self, url: str, params: dict[str, str]) -> int:
        """Post ``params`` signed with the token of their ``AccountSid`` (the default's if
        they carry none)."""
        token = self.state.token_for(params.get("AccountSid", "")) or self.state.auth_token
        signature = RequestValidator(token).compute_signature(url, params)
        status = self.post(url, params, {"X-Twilio-Signature": signature})
        self.delivered.append((url, params, signature, status))
        return status

    def message_created(self, message: dict, callback_url: str) -> None:
        if not callback_url:
            return
        if self.synchronous:
            with self._held_lock:
                self._held.append((message["sid"], callback_url))
        else:
            self._queue.put((message["sid"], callback_url))

    def flush(self) -> int:
        """Deliver every held status callback now, in this thread, without pauses (in the
        order the messages were created: each one's ``sent``, then its final status).
        Returns how many callbacks were posted."""
        before = len(self.delivered)
        while True:
            with self._held_lock:
                if not self._held:
                    break
                message_sid, url = self._held.pop(0)
            self._report_known(message_sid, url, delay=0)
        return len(self.delivered) - before

    def discard_held(self) -> None:
        with self._held_lock:
            self._held.clear()

    def inbound(self, phone: str, our_number: str, body: str) -> tuple[dict, int]:
        """``phone`` texts ``body`` to ``our_number``: Twilio's opt-out handling, then the
        inbound webhook (even for STOP: the app has to know). Returns the message and the
        webhook's HTTP status (0: no webhook configured or unreachable)."""
        message = self.state.receive(phone, our_number, body)
        params = {
            "AccountSid": message["account_sid"],
            "ApiVersion": API_VERSION,
            "Body": body,
            "From": phone,
            "MessageSid": message["sid"],
            "NumMedia": "0",
            "NumSegments": message["num_segments"],
            "SmsMessageSid": message["sid"],
            "SmsSid": message["sid"],
            "SmsStatus": "received",
            "To": our_number,
        }
        status = self.signed_post(self.inbound_url, params) if self.inbound_url else 0
        return message, status

    def _run(self) -> None:
        while True:
            message_sid, url = self._queue.get()
            self._report_known(message_sid, url, self.delay)

    def _report_known(self, message_sid: str, url: str, delay: float) -> None:
        try:
            self._report(message_sid, url, delay)
        except KeyError:  # the message was forgotten meanwhile (a test reset the account)
            log.info("twilio emulator: %s gone before its callbacks", message_sid)

    def _report(self, message_sid: str, url: str, delay: float) -> None:
        final, error_code = FAILING_RECIPIENTS.get(
            self.state.messages[message_sid]["to"], ("delivered", None)
        )
        # A message that fails never left; an undelivered one left and got lost.
        steps = [(final, error_code)]
        if final != "failed":
            steps.insert(0, ("sent", None))
        for status, code in steps:
            if delay:
                time.sleep(delay)
            self.signed_post(url, self._status_params(message_sid, status, code))

    def _status_params(self, message_sid: str, status: str, error_code: int | None) -> dict:
        message = self.state.update_status(message_sid, status, error_code)
        params = {
            "AccountSid": message["account_sid"],
            "ApiVersion": API_VERSION,
            "From": message["from"],
            "MessageSid": message_sid,
            "MessageStatus": status,
            "SmsSid": message_sid,
            "SmsStatus": status,
            "To": message["to"],
        }
        if message["messaging_service_sid"]:
            params["MessagingServiceSid"] = message["messaging_service_sid"]
        if error_code:
            params["ErrorCode"] = str(error_code)
        return params
