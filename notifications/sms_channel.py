"""Text messages to a client's mobile, through Twilio (``sms.py``).

A purpose's ``"sms"`` template is a base name: ``<name>.sms.txt`` is rendered in the
recipient's language, its lines joined, and sent as one short text (account, what, link).
Twilio reports what became of it on the message's status callback (``twilio_status.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from billing_saas import languages
from notifications import sms
from notifications.channels import Channel, DeliveryFailed, Handed, Rendered

if TYPE_CHECKING:
    from notifications.models import Message
    from notifications.notify import Recipient

# Localised numbers and dates carry no-break spaces, which are not in the GSM-7 alphabet: one
# would send the whole text in UCS-2, 70 characters a segment instead of 160.
PLAIN_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


class SmsChannel(Channel):
    name = "sms"
    reports_delivery = True

    def can_reach(self, recipient: Recipient) -> bool:
        return bool(recipient.phone) and not recipient.sms_opted_out and sms.configured()

    def address(self, recipient: Recipient) -> str:
        return recipient.phone

    def render(
        self,
        recipient: Recipient,
        template: str,
        context: Mapping[str, Any],
        attachments: Sequence = (),
    ) -> Rendered:
        # No subject: the text carries the link, and pages show what the message was for.
        # No attachment either: an SMS carries none (the email beside it does).
        return Rendered("", {"body": render_text(template, context, recipient.language)})

    def deliver(self, message: Message, content: Mapping[str, Any]) -> Handed:
        try:
            sent = sms.send_sms(
                message.to, content["body"], status_callback=status_callback_url(message)
            )
        except sms.SmsError as error:
            # A number Twilio refuses stays refused; Twilio down or throttling: later.
            raise DeliveryFailed(str(error), retryable=error.retryable) from error
        return Handed(sent.sid)

    def find_handed(self, message: Message, content: Mapping[str, Any]) -> Handed | None:
        try:
            found = sms.find_sent(message.to, content["body"], since=message.claimed_at)
        except sms.SmsError as error:
            raise DeliveryFailed(str(error), retryable=True) from error
        return Handed(found.sid) if found else None


def status_callback_url(message: Message) -> str:
    """Where Twilio reports this message's fate: the account's own host, naming the message
    (so a report finds it even if the worker died before it recorded Twilio's SID)."""
    from tenants.urls_helpers import account_url

    tenant = getattr(connection, "tenant", None)
    if tenant is None or not getattr(tenant, "host", ""):
        return ""
    return account_url(tenant, reverse("twilio_status", args=[message.pk]))


def render_text(template: str, context: Mapping[str, Any], language: str = "") -> str:
    language = languages.supported(language) or languages.account_language()
    with translation.override(language):
        text = render_to_string(f"{template}.sms.txt", dict(context))
    return " ".join(text.translate(PLAIN_SPACES).split())
