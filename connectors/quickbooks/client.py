"""Intuit's libraries, configured from settings: OAuth (intuit-oauth), the accounting API
(python-quickbooks), tokens that never lapse silently, and Intuit's rate limits respected."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from intuitlib.client import AuthClient
from intuitlib.enums import Scopes
from intuitlib.exceptions import AuthClientError
from quickbooks import QuickBooks

from connectors import connection_events
from connectors.base import ConnectionEvent, ConnectionEventKind, PlatformError
from connectors.models import Connection

log = logging.getLogger(__name__)

SCOPES = [Scopes.ACCOUNTING, Scopes.PAYMENT]
REFRESH_AHEAD_SECONDS = 300
RETRY_429 = (1, 2, 4, 8, 16)


def is_configured() -> bool:
    return bool(settings.QUICKBOOKS_CLIENT_ID and settings.QUICKBOOKS_CLIENT_SECRET)


def auth_client(redirect_uri: str = "") -> AuthClient:
    if not is_configured():
        raise PlatformError(
            _("QuickBooks is not configured on this server."),
            code="not_configured",
            platform="quickbooks",
        )
    try:
        return AuthClient(
            settings.QUICKBOOKS_CLIENT_ID,
            settings.QUICKBOOKS_CLIENT_SECRET,
            redirect_uri,
            settings.QUICKBOOKS_ENVIRONMENT,
        )
    except Exception as error:  # noqa: BLE001 - discovery document unreachable
        raise PlatformError(
            _("Intuit could not be reached; try again in a moment."),
            code="unreachable",
            retryable=True,
            platform="quickbooks",
        ) from error


def token_secrets(client: AuthClient) -> dict:
    now = time.time()
    return {
        "access_token": client.access_token,
        "refresh_token": client.refresh_token,
        "access_expires_at": str(now + int(client.expires_in or 3600)),
        "refresh_expires_at": str(now + int(client.x_refresh_token_expires_in or 0)),
    }


class NeedsReconnecting(PlatformError):
    pass


def access_token(connection: Connection) -> str:
    """A valid access token, refreshed ahead of expiry by exactly one worker at a time.

    The connection row is locked while refreshing, so concurrent callers wait and then use the
    token the first one stored; the rotated refresh token is saved in the same transaction.
    """
    current = connection.secrets
    if float(current.get("access_expires_at", 0)) > time.time() + REFRESH_AHEAD_SECONDS:
        return current["access_token"]
    with transaction.atomic():
        row = Connection.objects.select_for_update().get(pk=connection.pk)
        current = row.secrets
        if float(current.get("access_expires_at", 0)) > time.time() + REFRESH_AHEAD_SECONDS:
            connection.encrypted_secrets = row.encrypted_secrets
            return current["access_token"]
        if row.status != Connection.Status.CONNECTED:
            raise NeedsReconnecting(
                _("QuickBooks needs reconnecting."),
                code="needs_reconnecting",
                platform="quickbooks",
            )
        client = auth_client()
        try:
            client.refresh(refresh_token=current.get("refresh_token"))
        except AuthClientError as error:
            content = error.content or b""
            if b"invalid_grant" not in (
                content if isinstance(content, bytes) else content.encode()
            ):
                raise PlatformError(
                    _("Intuit could not refresh access; we will try again."),
                    code="refresh_failed",
                    retryable=True,
                    platform="quickbooks",
                ) from error
            # Still holding the row: callers waiting on it find the connection marked and
            # do not ask Intuit again.
            connection_events.handle(connection, access_refused(row.remote_account_id))
        else:
            row.secrets = token_secrets(client)
            row.save(update_fields=["encrypted_secrets"])
            connection.encrypted_secrets = row.encrypted_secrets
            log.info("QuickBooks tokens refreshed for realm %s", row.remote_account_id)
            return client.access_token
    raise NeedsReconnecting(
        _(
            "QuickBooks no longer accepts our access (it was revoked or expired). A billing "
            "administrator needs to reconnect QuickBooks."
        ),
        code="invalid_grant",
        platform="quickbooks",
    )


def access_refused(realm: str) -> ConnectionEvent:
    """Intuit refused our refresh token (``invalid_grant``): revoked in QuickBooks, or
    unused for 100 days. QuickBooks sends no event for it; the refusal is the signal."""
    return ConnectionEvent(
        ConnectionEventKind.NEEDS_RECONNECTING,
        realm,
        timezone.now(),
        reason=gettext_lazy(
            "QuickBooks refused to renew our access: it was revoked in QuickBooks, or went "
            "unused too long."
        ),
    )


class LimitedQuickBooks(QuickBooks):
    """python-quickbooks with Intuit's per-company limits kept and 429 answers waited out."""

    def process_request(self, request_type, url, headers="", params="", data=""):
        for delay in (*RETRY_429, None):
            with company_slot(self.company_id):
                response = super().process_request(
                    request_type, url, headers=headers, params=params, data=data
                )
            if response.status_code != 429 or delay is None:
                return response
            log.info("QuickBooks 429 for %s; waiting %ss", self.company_id, delay)
            time.sleep(delay)
        return response


class company_slot:  # noqa: N801 - used as a context manager
    """At most QUICKBOOKS_MAX_CONCURRENT requests in flight and QUICKBOOKS_RATE_LIMIT per
    window (Intuit: 10 at a time, 500 a minute) per company,
    across every worker (counters in Redis); callers wait for a slot instead of failing."""

    def __init__(self, realm: str):
        self.realm = realm

    def __enter__(self):
        # Half-windows with a third of the allowance each: any sliding window of Intuit's
        # length overlaps at most three of them, so it never sees more than the limit.
        window = settings.QUICKBOOKS_RATE_WINDOW_SECONDS / 2
        per_window = max(1, settings.QUICKBOOKS_RATE_LIMIT // 3)
        deadline = time.monotonic() + 120
        while True:
            slot = int(time.time() // window)
            rate_key = f"qbo:rate:{self.realm}:{window}:{slot}"
            busy_key = f"qbo:busy:{self.realm}"
            cache.add(rate_key, 0, int(window * 2) + 1)
            cache.add(busy_key, 0, 60)
            if cache.incr(busy_key) <= settings.QUICKBOOKS_MAX_CONCURRENT:
                if cache.incr(rate_key) <= per_window:
                    return self
                _release(busy_key)
                time.sleep(max(0.01, window - time.time() % window))
            else:
                _release(busy_key)
                time.sleep(0.02)
            if time.monotonic() > deadline:
                raise PlatformError(
                    _("QuickBooks is busy; we will try again."),
                    code="rate_limited",
                    retryable=True,
                    platform="quickbooks",
                )

    def __exit__(self, *exc):
        _release(f"qbo:busy:{self.realm}")
        return False


def _release(key: str) -> None:
    try:
        cache.decr(key)
    except ValueError:  # the counter expired meanwhile (it is only a safety net)
        pass


class BearerSession(requests.Session):
    """What python-quickbooks needs from its session: ``access_token`` and ``request``.

    Tokens are refreshed by ``access_token()`` above (with its lock), never by the session.
    """

    def __init__(self, token: str):
        super().__init__()
        self.access_token = token


def qb_client(connection: Connection) -> LimitedQuickBooks:
    """An API client for the connection's company, with a valid access token."""
    return client_with_token(connection.remote_account_id, access_token(connection))


def client_with_token(realm: str, token: str) -> LimitedQuickBooks:
    client = LimitedQuickBooks(company_id=realm, minorversion=settings.QUICKBOOKS_MINOR_VERSION)
    client.session = BearerSession(token)
    if settings.QUICKBOOKS_API_BASE:
        client.api_url_v3 = client.sandbox_api_url_v3 = settings.QUICKBOOKS_API_BASE
    else:
        client.sandbox = settings.QUICKBOOKS_ENVIRONMENT == "sandbox"
    return client


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
