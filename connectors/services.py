"""Connecting, finishing and disconnecting payment platforms for the current account."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing_saas.refusals import ActionRefused
from connectors.base import ConnectedAccount, PlatformError
from connectors.models import Connection
from connectors.registry import app_for
from connectors.routing.models import AccountRoute, OAuthState

log = logging.getLogger(__name__)


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


# ---- OAuth state: single use, bound to account + user + platform, short-lived -------------
def new_oauth_state(tenant, user, platform: str, mode: str) -> str:
    state = secrets.token_urlsafe(32)
    OAuthState.objects.create(
        state_hash=_hash(state),
        platform=platform,
        mode=mode,
        tenant=tenant,
        user_id=user.pk,
        expires_at=timezone.now() + timedelta(minutes=settings.OAUTH_STATE_VALID_MINUTES),
    )
    return state


def find_oauth_state(state: str) -> OAuthState | None:
    """For the root-domain callback: where to send the browser back (not consumed here)."""
    if not state or len(state) > 200:
        return None
    return (
        OAuthState.objects.select_related("tenant")
        .filter(state_hash=_hash(state), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def consume_oauth_state(tenant, user, platform: str, state: str, session_state: str) -> str:
    """Check and use up the state; returns the mode it was issued for.

    ``session_state`` is what the session that started the onboarding kept: the state's hash
    (see ``authorization_url``), so not even the session table holds a usable state."""
    if not state or not session_state or not hmac.compare_digest(_hash(state), session_state):
        raise ActionRefused(
            _(
                "This connection attempt was not started from this browser "
                "session. Please start again."
            )
        )
    with transaction.atomic():
        row = (
            OAuthState.objects.select_for_update()
            .filter(state_hash=_hash(state), tenant=tenant, platform=platform)
            .first()
        )
        if row is None or row.user_id != user.pk:
            raise ActionRefused(_("This connection attempt is not valid. Please start again."))
        if row.used_at is not None:
            raise ActionRefused(_("This connection attempt was already used. Please start again."))
        if row.expires_at <= timezone.now():
            raise ActionRefused(_("This connection attempt expired. Please start again."))
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        return row.mode


def authorization_url(
    tenant, user, platform: str, mode: str, prefill: dict, redirect_uri: str
) -> tuple[str, str]:
    """The platform's consent URL, and what the session keeps to check the answer: the
    state's hash (the state itself travels only in the URL)."""
    app = app_for(platform)
    if not app.is_configured(mode):
        raise ActionRefused(
            _("This server is not set up to connect %(platform)s in %(mode)s mode.")
            % {"platform": platform, "mode": mode}
        )
    state = new_oauth_state(tenant, user, platform, mode)
    return app.authorize_url(mode, state, redirect_uri, prefill), _hash(state)


# ---- saving connections ------------------------------------------------------------------
def save_connection(tenant, user, platform: str, mode: str, account: ConnectedAccount,
                    status: str | None = None) -> Connection:  # fmt: skip
    """Create or refresh the connection and its route; one account belongs to one tenant."""
    status = status or (
        Connection.Status.CONNECTED if account.ready else Connection.Status.ONBOARDING
    )
    with transaction.atomic():
        taken = (
            AccountRoute.objects.select_for_update()
            .filter(
                platform=platform,
                mode=mode,
                remote_account_id=account.remote_account_id,
                active=True,
            )
            .exclude(tenant=tenant)
            .exists()
        )
        if taken:
            raise ActionRefused(
                _("This %(platform)s account is already connected to another billing account.")
                % {"platform": platform}
            )
        connection = (
            Connection.objects.select_for_update()
            .filter(platform=platform, mode=mode, remote_account_id=account.remote_account_id)
            .exclude(status=Connection.Status.DISCONNECTED)
            .first()
        ) or Connection(platform=platform, mode=mode, remote_account_id=account.remote_account_id)
        connection.display_name = account.display_name or connection.display_name
        connection.status = status
        connection.connected_by = user
        connection.details = {**connection.details, **account.details}
        if account.secrets:
            connection.secrets = account.secrets
        connection.save()
        AccountRoute.objects.update_or_create(
            platform=platform,
            mode=mode,
            remote_account_id=account.remote_account_id,
            active=True,
            defaults={"tenant": tenant, "connection_id": connection.pk},
        )
    log.info(
        "%s connection %s saved for %s (%s)",
        platform,
        account.remote_account_id,
        db_connection.schema_name,
        status,
    )
    return connection


def complete_authorization(tenant, user, platform: str, params: dict, session_state: str
                           ) -> Connection:  # fmt: skip
    mode = consume_oauth_state(tenant, user, platform, params.get("state", ""), session_state)
    try:
        account = app_for(platform).finish_authorization(mode, params)
    except PlatformError as error:
        raise ActionRefused(error.message) from error
    return save_connection(tenant, user, platform, mode, account)


def create_stripe_account(tenant, user, *, mode: str, country: str, business_name: str,
                          privacy_url: str, terms_url: str,
                          urls_for) -> tuple[Connection, str]:  # fmt: skip
    """A new Stripe account for this provider, then Stripe's onboarding link to finish it.

    ``urls_for(connection_pk)`` gives the (return, refresh) URLs of Stripe's onboarding.
    """
    from connectors.stripe.app import StripeApp

    app = StripeApp()
    if not app.is_configured(mode):
        raise ActionRefused(
            _("This server is not set up to connect Stripe in %(mode)s mode.") % {"mode": mode}
        )
    key = f"create-account:{tenant.schema_name}:{user.pk}:{_hash(business_name + country)[:10]}"
    try:
        account = app.create_account(
            mode,
            country=country,
            email=user.email,
            business_name=business_name,
            privacy_url=privacy_url,
            terms_url=terms_url,
            idempotency_key=key,
        )
        connection = save_connection(
            tenant, user, "stripe", mode, account, Connection.Status.ONBOARDING
        )
        link = app.onboarding_link(mode, account.remote_account_id, *urls_for(connection.pk))
    except PlatformError as error:
        raise ActionRefused(error.message) from error
    return connection, link


def refresh_onboarding(connection: Connection) -> bool:
    """After Stripe's onboarding: is the account ready to take payments?"""
    from connectors.stripe.app import StripeApp

    ready, name = StripeApp().account_ready(connection.mode, connection.remote_account_id)
    if ready and connection.status == Connection.Status.ONBOARDING:
        connection.status = Connection.Status.CONNECTED
        connection.display_name = name or connection.display_name
        connection.save(update_fields=["status", "display_name"])
    return ready


def disconnect(connection: Connection) -> None:
    """Revoke our access on the platform; requests and payments stay in history."""
    from connectors.registry import platform_for

    platform_for(connection).disconnect()  # PlatformError: nothing changed locally either
    with transaction.atomic():
        connection.status = Connection.Status.DISCONNECTED
        connection.disconnected_at = timezone.now()
        connection.encrypted_secrets = ""
        connection.save(update_fields=["status", "disconnected_at", "encrypted_secrets"])
        AccountRoute.objects.filter(
            platform=connection.platform,
            mode=connection.mode,
            remote_account_id=connection.remote_account_id,
            active=True,
        ).update(active=False)
