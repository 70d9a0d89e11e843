"""What the emulated Twilio account holds: the messages, and who opted out of which sender.

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
from email.utils import formatdate

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
    # Messaging services and the number each sends from (opt-outs follow the number).
    services: dict[str, str] = field(default_factory=dict)
    messages: dict[str, dict] = field(default_factory=dict)
    opted_out: set[tuple[str, str]] = field(default_factory=set)  # (our number, their phone)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def create_message(self, form: dict[str, str]) -> dict:
        to, body = form.get("To", ""), form.get("Body", "")
        service = form.get("MessagingServiceSid", "")
        sender = self.services.get(service, "") if service else form.get("From", "")
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
        message = self._message(sid("SM"), sender, to, body, "outbound-api", service)
        message["status"] = "accepted" if service else "queued"
        with self.lock:
            self.messages[message["sid"]] = message
        return message

    def receive(self, phone: str, our_number: str, body: str) -> dict:
        """An inbound message; STOP and START words change the opt-outs as Twilio does."""
        word = body.strip().upper()
        with self.lock:
            if word in STOP_WORDS:
                self.opted_out.add((our_number, phone))
            elif word in START_WORDS:
                self.opted_out.discard((our_number, phone))
        message = self._message(sid("SM"), phone, our_number, body, "inbound", "")
        message["status"] = "received"
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

    def _message(self, message_sid, sender, to, body, direction, service) -> dict:
        path = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{message_sid}"
        return {
            "account_sid": self.account_sid,
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
