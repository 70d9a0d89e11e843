"""The ways a message reaches someone: one class per channel, each behind ``send``.

As healthchecks' transports: ``notify`` knows only this interface, so adding a channel (SMS)
is one class here, one entry in ``CHANNELS``, and its templates in ``purposes.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from notifications.emails import send_templated_email
from notifications.smtp import account_sending

if TYPE_CHECKING:
    from notifications.notify import Recipient


class Channel:
    name: ClassVar[str]

    def can_reach(self, recipient: Recipient) -> bool:
        """Whether the recipient has what this channel needs (an address, a phone)."""
        raise NotImplementedError

    def send(self, recipient: Recipient, template: str, context: Mapping[str, Any]) -> None:
        """Render ``template`` in the recipient's language and hand it over; raises what the
        carrier raises when it does not take the message (callers retry on it)."""
        raise NotImplementedError

    def once_key(self, key: str) -> str:
        """The de-duplication key of one message on this channel: one per channel, so an
        SMS that went out does not stop its email, nor the reverse."""
        return f"{key}:{self.name}"


class EmailChannel(Channel):
    """Branded email (``notifications/emails.py``); the From is the context's ``from_email``
    (an account's clients see its sender name), else ``DEFAULT_FROM_EMAIL``.

    An account in *Custom SMTP* mode (``EmailSending``) sends every message through its own
    server, from its From address and with its Reply-To; the root domain (public schema)
    always uses the product's sending."""

    name = "email"

    def can_reach(self, recipient: Recipient) -> bool:
        return bool(recipient.email)

    def send(self, recipient: Recipient, template: str, context: Mapping[str, Any]) -> None:
        from_email = context.get("from_email") or None
        send_templated_email(
            template,
            to=[recipient.email],
            context=dict(context),
            language=recipient.language,
            **account_sending(from_email),
        )

    def once_key(self, key: str) -> str:
        # The bare key: emails sent before notify() existed are recorded under it, and a
        # retry queued before the upgrade must still find them.
        return key


from notifications.sms_channel import SmsChannel  # noqa: E402 - it needs Channel, above

CHANNELS: dict[str, Channel] = {c.name: c for c in (EmailChannel(), SmsChannel())}
