"""Text messages to a client's mobile, through the product's Twilio account (``sms.py``).

A purpose's ``"sms"`` template is a base name: ``<name>.sms.txt`` is rendered in the
recipient's language, its lines joined, and sent as one short text (account, what, link).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import translation

from billing_saas import languages
from notifications import sms
from notifications.channels import Channel

if TYPE_CHECKING:
    from notifications.notify import Recipient

log = logging.getLogger(__name__)
# Localised numbers and dates carry no-break spaces, which are not in the GSM-7 alphabet: one
# would send the whole text in UCS-2, 70 characters a segment instead of 160.
PLAIN_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


class SmsUnavailable(ConnectionError):
    """Twilio could not take the message now (unreachable, throttling, its own fault).

    A ``ConnectionError``, as a mail server's outage is: the callers' retries of a carrier's
    failure (``payment_requests/services/emails.py`` ``EMAIL_FAILURES``) retry the SMS too,
    and their once-key keeps the email that went out from going twice."""


class SmsChannel(Channel):
    name = "sms"

    def can_reach(self, recipient: Recipient) -> bool:
        return bool(recipient.phone) and not recipient.sms_opted_out and sms.configured()

    def send(self, recipient: Recipient, template: str, context: Mapping[str, Any]) -> None:
        body = render_text(template, context, recipient.language)
        try:
            sms.send_sms(recipient.phone, body)
        except sms.SmsError as error:
            if error.retryable:
                raise SmsUnavailable(str(error)) from error
            # A number Twilio refuses stays refused: retrying cannot help, and the email went.
            # (The delivery record, next, will show it on the request.)
            log.warning("SMS to a client not sent: %s", error)


def render_text(template: str, context: Mapping[str, Any], language: str = "") -> str:
    language = languages.supported(language) or languages.account_language()
    with translation.override(language):
        text = render_to_string(f"{template}.sms.txt", dict(context))
    return " ".join(text.translate(PLAIN_SPACES).split())
