"""SMS through Twilio, with the official ``twilio`` SDK: the product's account (``TWILIO_*``
settings) by default, or the account's own when it chose one (``SmsSending``, custom mode).

``send_sms`` is the one call to send; ``find_sent`` tells whether a text already went (a retry
after a crash must not send it twice); ``auth_token_for`` gives the token a callback is
verified with. Whatever goes wrong ends as ``SmsError``, with a message in plain words and
``retryable`` telling the caller whether trying again later can help (Twilio down or
throttling us: yes; a bad number, an opted-out recipient or refused credentials: no).

With ``TWILIO_API_BASE`` set (the offline emulator, ``emulators/twilio/``), the SDK's own
HTTP client sends its requests there instead of https://api.twilio.com: the SDK still builds,
authenticates and parses every request itself.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.utils import get_public_schema_name
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

log = logging.getLogger(__name__)
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
# How many of the newest messages to a number ``find_sent`` reads, per look-up.
LOOKUP_LIMIT = 50
DEV_OUTBOX_BACKEND = "notifications.backends.OutboxEmailBackend"


@dataclass(frozen=True)
class SentSms:
    sid: str
    status: str
    segments: int


@dataclass(frozen=True)
class SmsAccount:
    """A Twilio account SMS leave through, and its sender: a number or a messaging service
    (which then picks the number)."""

    account_sid: str
    auth_token: str = field(repr=False)  # never in a log line
    from_number: str = ""
    messaging_service_sid: str = ""

    @property
    def sender(self) -> str:
        return self.messaging_service_sid or self.from_number

    def sender_params(self) -> dict[str, str]:
        if self.messaging_service_sid:
            return {"messaging_service_sid": self.messaging_service_sid}
        return {"from_": self.from_number}


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


def product_account() -> SmsAccount | None:
    """The product's own Twilio account (the ``TWILIO_*`` settings), if they are complete."""
    account = SmsAccount(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        settings.TWILIO_FROM_NUMBER,
        settings.TWILIO_MESSAGING_SERVICE_SID,
    )
    return account if account.account_sid and account.auth_token and account.sender else None


def _own_settings():
    """The active account's ``SmsSending`` row, without creating one (None on the root
    domain, which always sends through the product's account)."""
    from notifications.sms_settings import SmsSending

    if connection.schema_name == get_public_schema_name():
        return None
    return SmsSending.objects.order_by("pk").first()


def _account_of(own) -> SmsAccount:
    from connectors.secrets import SecretUnreadable

    try:
        token = own.auth_token
    except SecretUnreadable as unreadable:
        raise SmsError(
            _("The saved Twilio auth token cannot be read; enter it again in the SMS settings."),
            retryable=False,
        ) from unreadable
    return SmsAccount(
        own.account_sid,
        token,
        own.from_number.as_e164 if own.from_number else "",
        own.messaging_service_sid,
    )


def sending_account() -> SmsAccount | None:
    """The account this schema's SMS leave through: its own Twilio account when it chose one
    (custom mode, complete), else the product's, else None (SMS cannot be sent).

    Raises ``SmsError`` if the account chose its own and its token cannot be decrypted:
    sending through another account than the one chosen would be worse than not sending."""
    own = _own_settings()
    if own is not None and own.is_custom and own.is_complete:
        return _account_of(own)
    return product_account()


def configured() -> bool:
    """Whether this account can send SMS at all (credentials and a sender)."""
    try:
        return sending_account() is not None
    except SmsError as unreadable:
        log.error("SMS cannot be sent: %s", unreadable)
        return False


def auth_token_for(account_sid: str) -> str | None:
    """The auth token that signs Twilio's callbacks for ``account_sid``: the product's, or
    the active account's own. Its own is used whatever the mode now: a message sent through
    it before the account went back to the default sending still reports its status."""
    product = product_account()
    if account_sid and product and account_sid == product.account_sid:
        return product.auth_token
    own = _own_settings()
    if account_sid and own is not None and own.has_auth_token and account_sid == own.account_sid:
        try:
            return _account_of(own).auth_token
        except SmsError:
            return None
    return None


def twilio_client(account: SmsAccount | None = None) -> Client:
    """The SDK's client for ``account`` (this schema's ``sending_account()`` by default)."""
    account = account or _required(sending_account())
    http = (
        _ApiBaseHttpClient(settings.TWILIO_API_BASE, timeout=TIMEOUT_SECONDS)
        if settings.TWILIO_API_BASE
        else TwilioHttpClient(timeout=TIMEOUT_SECONDS)
    )
    return Client(account.account_sid, account.auth_token, http_client=http)


def send_sms(
    to_e164: str, body: str, *, status_callback: str = "", account: SmsAccount | None = None
) -> SentSms:
    """Hand ``body`` to Twilio for ``to_e164`` through ``account`` (this schema's
    ``sending_account()`` by default); raises ``SmsError`` if Twilio does not take it."""
    account = account or _required(sending_account())
    params = account.sender_params()
    if status_callback:
        params["status_callback"] = status_callback
    with _asking_twilio():
        message = twilio_client(account).messages.create(to=to_e164, body=body, **params)
    if settings.EMAIL_BACKEND == DEV_OUTBOX_BACKEND:
        _keep_in_dev_outbox(account, to_e164, body)
    return SentSms(message.sid, message.status, int(message.num_segments or 1))


def find_sent(
    to_e164: str, body: str, *, since: datetime, account: SmsAccount | None = None
) -> SentSms | None:
    """The newest message Twilio took for ``to_e164`` with exactly ``body``, created at or
    after ``since``, or None: whether an SMS went before a crash, so a retry sends it once.

    Twilio's date filter counts whole days and matches only messages already sent, so this
    reads the number's messages sent since that day and its newest ones (a message still
    queued has no date sent), then compares the creation times here. Twilio's times are whole
    seconds on its own clock: ``since`` counts from its second, and a caller should take it
    when its attempt began (before ``send_sms``), not after. Raises ``SmsError`` (retryable)
    if Twilio cannot be reached."""
    account = account or _required(sending_account())
    since = (since if since.tzinfo else since.replace(tzinfo=UTC)).astimezone(UTC)
    since = since.replace(microsecond=0)
    messages = twilio_client(account).messages
    with _asking_twilio():
        sent = messages.list(to=to_e164, date_sent_after=since, limit=LOOKUP_LIMIT)
        newest = messages.list(to=to_e164, limit=LOOKUP_LIMIT)
    found = {
        m.sid: m
        for m in [*sent, *newest]
        if m.body == body
        and m.direction != "inbound"
        and m.date_created
        and m.date_created >= since
    }
    if not found:
        return None
    match = max(found.values(), key=lambda m: m.date_created)
    return SentSms(match.sid, match.status, int(match.num_segments or 1))


def _required(account: SmsAccount | None) -> SmsAccount:
    if account is None:
        raise SmsError(_("SMS sending is not configured."), retryable=False)
    return account


@contextlib.contextmanager
def _asking_twilio():
    """Twilio's refusals and the network's failures, as ``SmsError`` in plain words."""
    try:
        yield
    except TwilioRestException as refused:
        raise _plain(refused) from refused
    except (requests.RequestException, TwilioException) as unreachable:
        refused = _page_refused(unreachable)
        if refused is not None:
            raise _plain(refused) from unreachable
        raise SmsError(
            _("Twilio could not be reached (%(error)s); the SMS will be tried again.")
            % {"error": unreachable},
            retryable=True,
        ) from unreachable


def _page_refused(error: Exception) -> TwilioRestException | None:
    """A list page Twilio answered with an error: the SDK raises a bare ``TwilioException``
    carrying the response, where a single call raises ``TwilioRestException``."""
    response = error.args[1] if len(error.args) > 1 else None
    status = getattr(response, "status_code", None)
    if not isinstance(status, int):
        return None
    try:
        payload = json.loads(response.text)
    except (TypeError, ValueError):
        payload = {}
    return TwilioRestException(
        status, "", payload.get("message", ""), payload.get("code"), method="GET"
    )


def _keep_in_dev_outbox(account: SmsAccount, to_e164: str, body: str) -> None:
    """In development, the dev outbox shows every SMS Twilio took beside the emails."""
    from notifications.models import OutboxMessage

    OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.SMS,
        subject="",
        from_address=account.sender,
        to=[to_e164],
        body_text=body,
        raw=b"",
    )


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
