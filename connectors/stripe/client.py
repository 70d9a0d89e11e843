"""The official Stripe SDK, configured from settings, and Stripe's errors made ours."""

from __future__ import annotations

import contextlib
import logging

import stripe
import stripe.oauth_error
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from connectors.base import PlatformError

log = logging.getLogger(__name__)


def secret_key(mode: str) -> str:
    return settings.STRIPE_LIVE_SECRET_KEY if mode == "live" else settings.STRIPE_TEST_SECRET_KEY


def client_id(mode: str) -> str:
    return settings.STRIPE_LIVE_CLIENT_ID if mode == "live" else settings.STRIPE_TEST_CLIENT_ID


def webhook_secret(mode: str) -> str:
    if mode == "live":
        return settings.STRIPE_LIVE_WEBHOOK_SECRET
    return settings.STRIPE_TEST_WEBHOOK_SECRET


def is_configured(mode: str) -> bool:
    return bool(secret_key(mode) and client_id(mode))


def client_for(mode: str) -> stripe.StripeClient:
    """A client on our platform's key for ``mode``; network retries use Stripe's backoff."""
    key = secret_key(mode)
    if not key:
        raise PlatformError(
            _("Stripe is not configured for %(mode)s mode on this server.") % {"mode": mode},
            code="not_configured",
            platform="stripe",
        )
    base_addresses = {}
    if settings.STRIPE_API_BASE:
        base_addresses["api"] = settings.STRIPE_API_BASE
    if settings.STRIPE_CONNECT_BASE:
        base_addresses["connect"] = settings.STRIPE_CONNECT_BASE
    return stripe.StripeClient(
        key,
        client_id=client_id(mode) or None,
        base_addresses=base_addresses,
        max_network_retries=settings.STRIPE_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    )


# The SDK's errors whose answer does not depend on what Stripe said: (words, code, retryable).
_ANSWERS = (
    (stripe.RateLimitError, _lazy("Stripe is busy right now; we will try again."),
     "rate_limited", True),
    (stripe.APIConnectionError, _lazy("Stripe could not be reached; we will try again."),
     "unreachable", True),
    (stripe.AuthenticationError,
     _lazy("Stripe refused our credentials; the connection needs checking."),
     "authentication", False),
    (stripe.PermissionError, _lazy("Stripe refused access to this account; reconnect Stripe."),
     "permission", False),
    (stripe.IdempotencyError, _lazy("Stripe saw a conflicting retry of this operation."),
     "idempotency", False),
)  # fmt: skip
FIXED_ANSWERS = tuple(kind for kind, *_answer in _ANSWERS)


def _fixed_answer(error: Exception) -> tuple[str, str, bool]:
    for kind, words, code, retryable in _ANSWERS:
        if isinstance(error, kind):
            return str(words), code, retryable
    raise AssertionError(error)  # only called for the kinds above


@contextlib.contextmanager
def translated_errors(*, refused: str = "", unreachable: str = ""):
    """Raise every SDK error as one ``PlatformError`` with a message fit for the side panel.

    Where a person waits for the answer (an OAuth callback, a Disconnect button), ``refused``
    (with ``%(reason)s``: Stripe's) words an OAuth refusal and ``unreachable`` an outage for
    them: they try again themselves, no worker does."""
    try:
        yield
    except stripe.oauth_error.OAuthError as error:
        reason = error.user_message or error.code or ""
        raise PlatformError(
            (refused or _("Stripe refused: %(reason)s")) % {"reason": reason},
            code="oauth_refused",
            platform="stripe",
        ) from error
    except stripe.CardError as error:
        raise PlatformError(
            error.user_message or _("The card was declined."),
            code=error.code or "card_error",
            platform="stripe",
        ) from error
    except FIXED_ANSWERS as error:
        message, code, retryable = _fixed_answer(error)
        if code == "unreachable" and unreachable:
            message = unreachable
        raise PlatformError(message, code=code, retryable=retryable, platform="stripe") from error
    except stripe.InvalidRequestError as error:
        code = error.code or "invalid_request"
        if code == "account_invalid":
            message = _("Stripe no longer gives access to this account; reconnect Stripe.")
        else:
            message = error.user_message or str(error.error.message if error.error else error)
        raise PlatformError(message, code=code, platform="stripe") from error
    except stripe.StripeError as error:
        log.warning("stripe error: %s", error)
        retryable = (error.http_status or 500) >= 500
        raise PlatformError(
            _("Stripe reported an error: %(message)s")
            % {"message": error.user_message or error.__class__.__name__},
            code="api_error",
            retryable=retryable,
            platform="stripe",
        ) from error


class PlainApi:
    """The SDK's services, answering plain dicts (Stripe's JSON) instead of StripeObjects.

    Our code reads Stripe's answers as data; the SDK still does every request, retry,
    idempotency header and error mapping.
    """

    def __init__(self, target):
        self._target = target

    def __getattr__(self, name):
        value = getattr(self._target, name)
        if callable(value):

            def call(*args, **kwargs):
                result = value(*args, **kwargs)
                return result.to_dict() if hasattr(result, "to_dict") else result

            return call
        return PlainApi(value)


def plain_api(mode: str) -> PlainApi:
    return PlainApi(client_for(mode).v1)
