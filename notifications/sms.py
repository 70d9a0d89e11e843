"""SMS through the product's Twilio account, with the official ``twilio`` SDK.

``send_sms`` is the one call; whatever goes wrong ends as ``SmsError``, with a message in
plain words and ``retryable`` telling the caller whether trying again later can help (Twilio
down or throttling us: yes; a bad number or an opted-out recipient: no).

With ``TWILIO_API_BASE`` set (the offline emulator, ``emulators/twilio/``), the SDK's own
HTTP client sends its requests there instead of https://api.twilio.com: the SDK still builds,
authenticates and parses every request itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

TWILIO_API = "https://api.twilio.com"
TIMEOUT_SECONDS = 10
# Twilio's codes for a recipient who cannot get this message, whatever we do.
RECIPIENT_REFUSED = {
    21211: gettext_lazy("the number is not a valid phone number"),
    21612: gettext_lazy("Twilio cannot reach this number"),
    21614: gettext_lazy("the number is not a mobile number"),
    21408: gettext_lazy("SMS to this country are not enabled"),
    21610: gettext_lazy("the recipient opted out of SMS (they texted STOP)"),
}


@dataclass(frozen=True)
class SentSms:
    sid: str
    status: str
    segments: int


class SmsError(Exception):
    """Twilio did not take the message; ``str()`` says why in plain words."""

    def __init__(self, message: str, *, retryable: bool, code: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.code = code


class _ApiBaseHttpClient(TwilioHttpClient):
    """The SDK's HTTP client, sending to ``base`` what it would send to Twilio's API."""

    def __init__(self, base: str, **kwargs):
        super().__init__(**kwargs)
        self.base = base.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_API):
            url = self.base + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


def configured() -> bool:
    """Whether the product can send SMS at all (credentials and a sender)."""
    return bool(
        settings.TWILIO_ACCOUNT_SID
        and settings.TWILIO_AUTH_TOKEN
        and (settings.TWILIO_FROM_NUMBER or settings.TWILIO_MESSAGING_SERVICE_SID)
    )


def twilio_client() -> Client:
    http = (
        _ApiBaseHttpClient(settings.TWILIO_API_BASE, timeout=TIMEOUT_SECONDS)
        if settings.TWILIO_API_BASE
        else TwilioHttpClient(timeout=TIMEOUT_SECONDS)
    )
    return Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http)


def send_sms(to_e164: str, body: str, *, status_callback: str = "") -> SentSms:
    """Hand ``body`` to Twilio for ``to_e164``; raises ``SmsError`` if Twilio does not take it."""
    if not configured():
        raise SmsError(_("SMS sending is not configured."), retryable=False)
    sender = (
        {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
        if settings.TWILIO_MESSAGING_SERVICE_SID
        else {"from_": settings.TWILIO_FROM_NUMBER}
    )
    if status_callback:
        sender["status_callback"] = status_callback
    try:
        message = twilio_client().messages.create(to=to_e164, body=body, **sender)
    except TwilioRestException as refused:
        raise _plain(refused) from refused
    except (requests.RequestException, TwilioException) as unreachable:
        raise SmsError(
            _("Twilio could not be reached (%(error)s); the SMS will be tried again.")
            % {"error": unreachable},
            retryable=True,
        ) from unreachable
    return SentSms(message.sid, message.status, int(message.num_segments or 1))


def _plain(refused: TwilioRestException) -> SmsError:
    if refused.status == 401 or refused.code == 20003:
        return SmsError(
            _("Twilio refused the account SID or auth token."), retryable=False, code=20003
        )
    if refused.code in RECIPIENT_REFUSED:
        return SmsError(
            _("The SMS was not sent: %(reason)s.") % {"reason": RECIPIENT_REFUSED[refused.code]},
            retryable=False,
            code=refused.code,
        )
    # Throttled or a fault on Twilio's side: later may work; anything else will not.
    retryable = refused.status == 429 or refused.status >= 500
    return SmsError(
        _("Twilio refused the SMS (error %(code)s: %(message)s).")
        % {"code": refused.code, "message": refused.msg},
        retryable=retryable,
        code=refused.code,
    )
