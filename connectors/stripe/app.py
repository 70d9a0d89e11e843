"""Our Stripe Connect platform: onboarding (OAuth or account creation) and webhook checks."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from connectors.base import (
    ConnectedAccount,
    InboundPayload,
    PlatformApp,
    PlatformError,
    WebhookRejected,
)
from connectors.money import from_minor_units
from connectors.stripe import client as stripe_client
from connectors.stripe.client import client_for, plain_api, translated_errors

MAX_MINOR_UNITS = 99_999_999

# Countries a new Stripe account can be created in (Stripe's list, the ones we localise for).
ACCOUNT_COUNTRIES = (
    "AT", "AU", "BE", "CA", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IT", "JP", "LU",
    "NL", "NO", "NZ", "PT", "SE", "US",
)  # fmt: skip


def _account_name(account) -> str:
    profile = account.get("business_profile") or {}
    dashboard = (account.get("settings") or {}).get("dashboard") or {}
    return profile.get("name") or dashboard.get("display_name") or account.get("email") or ""


class StripeApp(PlatformApp):
    name = "stripe"

    def is_configured(self, mode: str) -> bool:
        return stripe_client.is_configured(mode)

    def max_amount(self, currency: str) -> Decimal:
        # Stripe's limit is eight digits in the currency's minor unit: 999,999.99 EUR,
        # 99,999,999 JPY (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts).
        return from_minor_units(MAX_MINOR_UNITS, currency)

    # ---- connect an existing account (Connect OAuth) --------------------------------------
    def authorize_url(self, mode: str, state: str, redirect_uri: str, prefill: dict) -> str:
        params = {
            "response_type": "code",
            "scope": "read_write",
            "state": state,
            "redirect_uri": redirect_uri,
            "stripe_landing": "login",
        }
        if mode == "live":
            params["livemode"] = "true"
        for key in ("email", "business_name", "url", "country"):
            if prefill.get(key):
                params[f"stripe_user[{key}]"] = prefill[key]
        return client_for(mode).oauth.authorize_url(params)

    def finish_authorization(self, mode: str, params: dict[str, str]) -> ConnectedAccount:
        if params.get("error"):
            raise PlatformError(
                _("Stripe did not connect the account: %(reason)s")
                % {"reason": params.get("error_description") or params["error"]},
                code=params["error"],
                platform="stripe",
            )
        code = params.get("code", "")
        if not code.startswith("ac_"):
            raise PlatformError(
                _("Stripe's answer had no authorisation code."), code="no_code", platform="stripe"
            )
        with translated_errors(
            refused=_("Stripe refused to complete the connection (%(reason)s). Please try again."),
            unreachable=_(
                "Stripe could not be reached to complete the connection. Please try again."
            ),
        ):
            token = (
                client_for(mode)
                .oauth.token({"grant_type": "authorization_code", "code": code})
                .to_dict()
            )
        if bool(token.get("livemode")) != (mode == "live"):
            raise PlatformError(
                _("Stripe connected the account in the wrong mode."),
                code="mode_mismatch",
                platform="stripe",
            )
        account_id = token["stripe_user_id"]
        with translated_errors():
            account = plain_api(mode).accounts.retrieve(account_id)
        return ConnectedAccount(
            remote_account_id=account_id,
            display_name=_account_name(account),
            livemode=mode == "live",
            secrets={
                "access_token": token.get("access_token", ""),
                "refresh_token": token.get("refresh_token", ""),
                "publishable_key": token.get("stripe_publishable_key", ""),
            },
            details={"country": account.get("country"), "how": "oauth"},
            ready=bool(account.get("charges_enabled")),
        )

    def deauthorize(self, mode: str, account_id: str) -> None:
        try:
            with translated_errors(
                unreachable=_("Stripe could not be reached to disconnect; try again.")
            ):
                client_for(mode).oauth.deauthorize({"stripe_user_id": account_id})
        except PlatformError as error:
            if error.code != "oauth_refused":
                raise
            # Already revoked on Stripe's side: the goal is reached.

    # ---- create a new account, then Stripe's hosted onboarding ----------------------------
    def create_account(
        self,
        mode: str,
        *,
        country: str,
        email: str,
        business_name: str,
        privacy_url: str,
        terms_url: str,
        idempotency_key: str,
    ) -> ConnectedAccount:
        with translated_errors():
            account = plain_api(mode).accounts.create(
                {
                    "type": "standard",
                    "country": country,
                    "email": email,
                    "business_profile": {"name": business_name, "url": terms_url},
                    "metadata": {"privacy_policy_url": privacy_url, "terms_url": terms_url},
                },
                {"idempotency_key": idempotency_key},
            )
        return ConnectedAccount(
            remote_account_id=account["id"],
            display_name=business_name,
            livemode=mode == "live",
            details={
                "country": country,
                "privacy_policy_url": privacy_url,
                "terms_url": terms_url,
                "how": "created",
            },
            ready=bool(account.get("charges_enabled")),
        )

    def onboarding_link(self, mode: str, account_id: str, return_url: str,
                        refresh_url: str) -> str:  # fmt: skip
        with translated_errors():
            link = plain_api(mode).account_links.create(
                {
                    "account": account_id,
                    "refresh_url": refresh_url,
                    "return_url": return_url,
                    "type": "account_onboarding",
                }
            )
        return link["url"]

    def account_name(self, account: dict) -> str:
        return _account_name(account)

    def account_ready(self, mode: str, account_id: str) -> tuple[bool, str]:
        with translated_errors():
            account = plain_api(mode).accounts.retrieve(account_id)
        ready = bool(account.get("details_submitted") and account.get("charges_enabled"))
        return ready, _account_name(account)

    # ---- webhooks ---------------------------------------------------------------------------
    def verify_webhook(self, mode: str, body: bytes, headers: dict) -> list[InboundPayload]:
        secret = stripe_client.webhook_secret(mode)
        if not secret:
            raise WebhookRejected("no webhook secret configured for this mode")
        header = headers.get("Stripe-Signature") or headers.get("stripe-signature") or ""
        tolerance = settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
        try:
            text = body.decode("utf-8")
            stripe.WebhookSignature.verify_header(text, header, secret, tolerance)
            timestamp = int(dict(part.split("=", 1) for part in header.split(","))["t"])
        except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError, KeyError) as e:
            raise WebhookRejected(f"signature check failed: {e}") from e
        # Stripe's SDK only refuses old timestamps; a signature from the future is as suspect.
        if timestamp > time.time() + tolerance:
            raise WebhookRejected("timestamp too far in the future")
        try:
            event = json.loads(text)
            payload = InboundPayload(
                event_id=str(event["id"]),
                event_type=str(event["type"]),
                account_ref=str(event.get("account") or ""),
                livemode=bool(event.get("livemode")),
                payload=event,
            )
        except (ValueError, KeyError, TypeError) as error:
            raise WebhookRejected(f"malformed event: {error}") from error
        if not payload.event_id.startswith("evt_") or payload.livemode != (mode == "live"):
            raise WebhookRejected("event does not belong to this endpoint's mode")
        return [payload]
