"""What the emulated Twilio accounts hold: the messages, and who opted out of which sender.

One default account (``account_sid``/``auth_token``, the product's) and any added with
``add_account``: each authenticates with its own SID and token, has its own messaging
services, and sees only its own messages (every message carries its ``account_sid``).

Errors raised at creation (``TwilioFault``) carry Twilio's own codes; the documented magic
numbers (Twilio's test-credential numbers, and two of ours for failures after acceptance):

========================  ==============================================================
``To``                    what happens
========================  ==============================================================
``+15005550001``          refused: 21211 (invalid 'To' number), as any non-E.164 ``To``
``+15005550002``          refused: 21612 (cannot route to this number)
``+15005550004``          refused: 21610 (recipient unsubscribed), as after a STOP
``+15005550009``          refused: 21614 (not a mobile number)
``+15005550020``          accepted, then ``undelivered`` with ErrorCode 30003 (unreachable)
``+15005550021``          accepted, then ``failed`` with ErrorCode 30006 (landline/carrier)
anything else valid       accepted, then ``sent`` and ``delivered``
========================  ==============================================================
"""

from __future__ import annotations

import re
import secrets
import threading
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime

from emulators.twilio import segments

API_VERSION = "2010-04-01"
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
REFUSED_RECIPIENTS = {
    "+15005550001": (21211, "The 'To' number {to} is not a valid phone number."),
    "+15005550002": (21612, "The 'To' phone number: {to}, is not currently reachable."),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
    "+15005550009": (21614, "'To' number {to} is not a valid mobile number"),
}
FAILING_RECIPIENTS = {
    "+15005550020": ("undelivered", 30003),
    "+15005550021": ("failed", 30006),
}
# Twilio's default opt-out and opt-in keywords (the whole body, any case, trimmed).
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
START_WORDS = {"START", "UNSTOP", "YES"}


class TwilioFault(Exception):
    def __init__(self, status: int, code: int, message: str, detail: str = ""):
        super().__init__(message)
        self.status, self.code, self.message, self.detail = status, code, message, detail

    def body(self) -> dict:
        return {
            **({"detail": self.detail} if self.detail else {}),
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }


def sid(prefix: str) -> str:
    """A Twilio SID: two letters and 32 hex digits."""
    return prefix + secrets.token_hex(16)


def now() -> str:
    return formatdate(usegmt=True)


@dataclass
class TwilioState:
    account_sid: str
    auth_token: str
    # The default account's messaging services and the number each sends from (opt-outs
    # follow the number).
    services: dict[str, str] = field(default_factory=dict)
    messages: dict[str, dict] = field(default_factory=dict)
    opted_out: set[tuple[str, str]] = field(default_factory=set)  # (our number, their phone)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Accounts added beside the default one: SID -> (auth token, its messaging services).
    accounts: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    def add_account(self, sid: str, token: str, services: dict[str, str] | None = None) -> None:
        with self.lock:
            self.accounts[sid] = (token, dict(services or {}))

    def token_for(self, account_sid: str) -> str | None:
        if account_sid == self.account_sid:
            return self.auth_token
        return self.accounts.get(account_sid, (None, {}))[0]

    def services_of(self, account_sid: str) -> dict[str, str]:
        if account_sid == self.account_sid:
            return self.services
        return self.accounts.get(account_sid, ("", {}))[1]

    def account_of_number(self, number: str) -> str:
        """The account a number of ours belongs to: the one whose service or messages use it
        (the emulator does not model buying numbers), else the default account."""
        with self.lock:
            for sid, (_token, services) in self.accounts.items():
                if number in services.values():
                    return sid
            for message in reversed(self.messages.values()):
                if message["direction"] != "inbound" and message["from"] == number:
                    return message["account_sid"]
        return self.account_sid

    def reset(self) -> None:
        """Forget every message, opt-out and added account (a test's fresh start)."""
        with self.lock:
            self.messages.clear()
            self.opted_out.clear()
            self.accounts.clear()

    def create_message(self, form: dict[str, str], account_sid: str = "") -> dict:
        account_sid = account_sid or self.account_sid
        to, body = form.get("To", ""), form.get("Body", "")
        service = form.get("MessagingServiceSid", "")
        services = self.services_of(account_sid)
        sender = services.get(service, "") if service else form.get("From", "")
        if service and not sender:
            raise TwilioFault(400, 21705, f"The Messaging Service Sid {service} is invalid.")
        if not E164.match(sender):
            raise TwilioFault(
                400, 21212, f"The 'From' number {sender} is not a valid phone number."
            )
        if not body:
            raise TwilioFault(400, 21602, "Message body is required.")
        if to in REFUSED_RECIPIENTS or not E164.match(to):
            code, text = REFUSED_RECIPIENTS.get(to, REFUSED_RECIPIENTS["+15005550001"])
            raise TwilioFault(400, code, text.format(to=to))
        if (sender, to) in self.opted_out:
            raise TwilioFault(400, 21610, "Attempt to send to unsubscribed recipient")
        message = self._message(account_sid, sender, to, body, "outbound-api", service)
        message["status"] = "accepted" if service else "queued"
        with self.lock:
            self.messages[message["sid"]] = message
        return message

    def receive(self, phone: str, our_number: str, body: str, account_sid: str = "") -> dict:
        """An inbound message; STOP and START words change the opt-outs as Twilio does."""
        account_sid = account_sid or self.account_of_number(our_number)
        word = body.strip().upper()
        with self.lock:
            if word in STOP_WORDS:
                self.opted_out.add((our_number, phone))
            elif word in START_WORDS:
                self.opted_out.discard((our_number, phone))
        message = self._message(account_sid, phone, our_number, body, "inbound", "")
        # An inbound message's date_sent is when Twilio posted it to the webhook: now.
        message.update(status="received", date_sent=message["date_created"])
        with self.lock:
            self.messages[message["sid"]] = message
        return message

    def update_status(self, message_sid: str, status: str, error_code: int | None = None) -> dict:
        with self.lock:
            message = self.messages[message_sid]
            message.update(status=status, error_code=error_code, date_updated=now())
            if status == "sent":
                message["date_sent"] = now()
            return dict(message)

    def messages_of(self, account_sid: str) -> list[dict]:
        """The account's messages, newest first (by creation, then by arrival)."""
        with self.lock:
            mine = [m for m in self.messages.values() if m["account_sid"] == account_sid]
        order = {id(message): index for index, message in enumerate(mine)}
        return sorted(
            mine,
            key=lambda m: (parsedate_to_datetime(m["date_created"]), order[id(m)]),
            reverse=True,
        )

    def conversations(self) -> dict[str, list[dict]]:
        """Messages by the phone at the other end, oldest first."""
        by_phone: dict[str, list[dict]] = {}
        with self.lock:
            for message in self.messages.values():
                inbound = message["direction"] == "inbound"
                by_phone.setdefault(message["from"] if inbound else message["to"], []).append(
                    message
                )
        return by_phone

    @staticmethod
    def _message(account_sid, sender, to, body, direction, service) -> dict:
        message_sid = sid("SM")
        path = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{message_sid}"
        return {
            "account_sid": account_sid,
            "api_version": API_VERSION,
            "body": body,
            "date_created": now(),
            "date_sent": None,
            "date_updated": now(),
            "direction": direction,
            "error_code": None,
            "error_message": None,
            "from": sender,
            "messaging_service_sid": service or None,
            "num_media": "0",
            "num_segments": str(segments.count(body)),
            "price": None,
            "price_unit": "USD",
            "sid": message_sid,
            "status": "queued",
            "subresource_uris": {"media": f"{path}/Media.json"},
            "to": to,
            "uri": f"{path}.json",
        }
