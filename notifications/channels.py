"""The ways a message reaches someone: one class per channel, each behind ``render`` and
``deliver``.

As healthchecks' transports: ``notify`` and the delivery worker know only this interface, so
adding a channel is one class here, one entry in ``CHANNELS``, and its templates in
``purposes.py``. ``render`` runs where the message is asked for (the context is at hand);
``deliver`` runs in the worker, from what ``render`` returned, and says what the provider
answered or raises ``DeliveryFailed`` with its reason in plain words.
"""

from __future__ import annotations

import base64
import hashlib
import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings

from notifications.emails import render_email, send_email
from notifications.smtp import account_sending, plain_words

if TYPE_CHECKING:
    from notifications.models import Message
    from notifications.notify import Recipient

# What a mail server or the network raise when a message does not go out (SMTPException and
# ConnectionError are OSErrors; named for the reader).
MAIL_FAILURES = (smtplib.SMTPException, OSError)


# A file a message carries: (file name, bytes, MIME type).
Attachment = tuple[str, bytes, str]


@dataclass(frozen=True)
class Rendered:
    """A message ready to leave: ``subject`` is what its pages show (never a link),
    ``content`` what ``deliver`` needs (stored encrypted until it left)."""

    subject: str
    content: dict[str, Any]


@dataclass(frozen=True)
class Handed:
    """The provider took the message: its id for it (a Message-ID, a Twilio SID)."""

    provider_id: str = ""


class DeliveryFailed(Exception):
    """The provider did not take the message; ``str()`` is the reason in plain words.

    ``retryable``: later may work (a server down, throttling, a password being fixed).
    ``bounced``: the recipient cannot get it (refused by the server for good)."""

    def __init__(self, reason: str, *, retryable: bool, bounced: bool = False):
        super().__init__(reason)
        self.retryable = retryable
        self.bounced = bounced


class Unknown(Exception):
    """Whether an interrupted attempt reached the provider cannot be found out."""


class Channel:
    name: ClassVar[str]
    # Whether the provider reports later what became of a message it took (Twilio's status
    # callbacks): until then a sent message may still fail, and keeps its text for *Resend*.
    reports_delivery: ClassVar[bool] = False

    def can_reach(self, recipient: Recipient) -> bool:
        """Whether the recipient has what this channel needs (an address, a phone)."""
        raise NotImplementedError

    def address(self, recipient: Recipient) -> str:
        raise NotImplementedError

    def render(
        self,
        recipient: Recipient,
        template: str,
        context: Mapping[str, Any],
        attachments: Sequence[Attachment] = (),
    ) -> Rendered:
        """Render ``template`` in the recipient's language (``attachments``: files the channel
        carries if it can; an SMS cannot)."""
        raise NotImplementedError

    def deliver(self, message: Message, content: Mapping[str, Any]) -> Handed:
        """Hand the rendered message over; raises ``DeliveryFailed`` if it was not taken."""
        raise NotImplementedError

    def find_handed(self, message: Message, content: Mapping[str, Any]) -> Handed | None:
        """After a worker died while handing ``message`` over: what the provider holds of it
        (``None``: it never arrived, send it), or ``Unknown`` when the provider cannot say."""
        raise Unknown

    def once_key(self, key: str) -> str:
        """The de-duplication key of one message on this channel: one per channel, so an
        SMS that went out does not stop its email, nor the reverse."""
        return f"{key}:{self.name}"


class EmailChannel(Channel):
    """Branded email (``notifications/emails.py``); the From is the context's ``from_email``
    (an account's clients see its sender name), else ``DEFAULT_FROM_EMAIL``.

    An account in *Custom SMTP* mode (``EmailSending``) sends every message through its own
    server, from its From address and with its Reply-To, as its settings say when the message
    leaves; the root domain (public schema) always uses the product's sending."""

    name = "email"

    def can_reach(self, recipient: Recipient) -> bool:
        return bool(recipient.email)

    def address(self, recipient: Recipient) -> str:
        return recipient.email

    def render(
        self,
        recipient: Recipient,
        template: str,
        context: Mapping[str, Any],
        attachments: Sequence[Attachment] = (),
    ) -> Rendered:
        subject, text, html = render_email(template, dict(context), language=recipient.language)
        content = {
            "subject": subject,
            "text": text,
            "html": html,
            "from": context.get("from_email"),
        }
        if attachments:
            content["attachments"] = [
                {"filename": name, "mimetype": mimetype, "data": base64.b64encode(data).decode()}
                for name, data, mimetype in attachments
            ]
        return Rendered(subject, content)

    def deliver(self, message: Message, content: Mapping[str, Any]) -> Handed:
        message_id = _message_id(message.key)
        try:
            send_email(
                to=[message.to],
                subject=content["subject"],
                text=content["text"],
                html=content["html"],
                headers={"Message-ID": message_id},
                attachments=[
                    (item["filename"], base64.b64decode(item["data"]), item["mimetype"])
                    for item in content.get("attachments", ())
                ],
                **account_sending(content.get("from") or None),
            )
        except MAIL_FAILURES as error:
            permanent = _refused_for_good(error)
            raise DeliveryFailed(
                plain_words(error), retryable=not permanent, bounced=permanent
            ) from error
        return Handed(message_id)

    def once_key(self, key: str) -> str:
        # The bare key: emails sent before notify() existed are recorded under it, and a
        # retry queued before the upgrade must still find them.
        return key


def _message_id(key: str) -> str:
    """One Message-ID per message, from its key: a copy sent twice is one message to the
    reader's mail program."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = settings.BASE_DOMAIN.split(":")[0] or "localhost"
    return f"<{digest}@{domain}>"


def _refused_for_good(error: BaseException) -> bool:
    """The server refused every recipient with a permanent (5xx) answer: a bounce."""
    if not isinstance(error, smtplib.SMTPRecipientsRefused):
        return False
    return all(500 <= code < 600 for code, _text in error.recipients.values())


from notifications.sms_channel import SmsChannel  # noqa: E402 - it needs Channel, above

CHANNELS: dict[str, Channel] = {c.name: c for c in (EmailChannel(), SmsChannel())}
