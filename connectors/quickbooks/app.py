"""Our Intuit app: OAuth 2.0 onboarding and webhook verification (both payload formats)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from intuitlib.exceptions import AuthClientError

from connectors.base import (
    ConnectedAccount,
    InboundPayload,
    PlatformApp,
    PlatformError,
    WebhookRejected,
)
from connectors.money import minor_unit
from connectors.quickbooks import client as qbo

log = logging.getLogger(__name__)

# QuickBooks Online's largest amount on an invoice or payment (its API's documented maximum).
MAX_AMOUNT = Decimal("99999999.99")


def current_mode() -> str:
    """Intuit apps have one environment per key pair: production is live, the rest is test."""
    return "live" if settings.QUICKBOOKS_ENVIRONMENT in ("production", "prod") else "test"


class QuickBooksApp(PlatformApp):
    name = "quickbooks"

    def is_configured(self, mode: str) -> bool:
        return qbo.is_configured() and mode == current_mode()

    def max_amount(self, currency: str) -> Decimal:
        return MAX_AMOUNT.quantize(minor_unit(currency), ROUND_DOWN)

    def authorize_url(self, mode: str, state: str, redirect_uri: str, prefill: dict) -> str:
        return qbo.auth_client(redirect_uri).get_authorization_url(qbo.SCOPES, state_token=state)

    def finish_authorization(self, mode: str, params: dict[str, str]) -> ConnectedAccount:
        if params.get("error"):
            raise PlatformError(
                _("QuickBooks did not connect the company (%(reason)s).")
                % {"reason": params["error"]},
                code=params["error"],
                platform="quickbooks",
            )
        realm, code = params.get("realmId", ""), params.get("code", "")
        if not realm.isdigit() or not code:
            raise PlatformError(
                _("QuickBooks' answer had no company or code."),
                code="no_code",
                platform="quickbooks",
            )
        client = qbo.auth_client(params.get("redirect_uri", ""))
        try:
            client.get_bearer_token(code, realm_id=realm)
        except AuthClientError as error:
            raise PlatformError(
                _("QuickBooks refused to complete the connection (%(reason)s). Please try again.")
                % {"reason": _reason(error)},
                code="token_exchange",
                platform="quickbooks",
            ) from error
        try:
            info = qbo.client_with_token(realm, client.access_token).get_single_object(
                "CompanyInfo", realm
            )["CompanyInfo"]
        except Exception as error:  # noqa: BLE001 - connected, but the name is unknown for now
            info = {}
            log.warning("QuickBooks company info for %s unavailable: %s", realm, error)
        return ConnectedAccount(
            remote_account_id=realm,
            display_name=info.get("CompanyName", ""),
            livemode=mode == "live",
            secrets=qbo.token_secrets(client),
            details={"how": "oauth", "company_name": info.get("CompanyName", "")},
        )

    def verify_webhook(self, mode: str, body: bytes, headers: dict) -> list[InboundPayload]:
        verifier = settings.QUICKBOOKS_WEBHOOK_VERIFIER
        signature = headers.get("intuit-signature") or headers.get("Intuit-Signature") or ""
        if not verifier or not signature:
            raise WebhookRejected("missing verifier or signature")
        expected = base64.b64encode(hmac.new(verifier.encode(), body, hashlib.sha256).digest())
        if not hmac.compare_digest(expected, signature.encode()):
            raise WebhookRejected("signature mismatch")
        try:
            data = json.loads(body)
            return list(_payloads(data, mode))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise WebhookRejected(f"malformed notification: {error}") from error


def _payloads(data, mode: str):
    live = mode == "live"
    if isinstance(data, dict) and "eventNotifications" in data:  # the classic format
        for notification in data["eventNotifications"]:
            realm = str(notification["realmId"])
            for entity in notification["dataChangeEvent"]["entities"]:
                event_id = (
                    f"{realm}:{entity['name']}:{entity['id']}:{entity['operation']}:"
                    f"{entity.get('lastUpdated', '')}"
                )
                yield InboundPayload(
                    event_id,
                    f"{entity['name']}.{entity['operation']}",
                    realm,
                    live,
                    {
                        "event_id": event_id,
                        "entity": entity["name"],
                        "id": str(entity["id"]),
                        "operation": entity["operation"],
                        "realm": realm,
                    },
                )
        return
    for event in data if isinstance(data, list) else [data]:  # CloudEvents
        _, entity, verb, _version = event["type"].split(".")
        operation = {
            "created": "Create",
            "updated": "Update",
            "voided": "Void",
            "deleted": "Delete",
        }.get(verb, verb.title())
        name = entity.title()
        realm = str(event["intuitaccountid"])
        yield InboundPayload(
            str(event["id"]),
            f"{name}.{operation}",
            realm,
            live,
            {
                "event_id": str(event["id"]),
                "entity": name,
                "id": str(event["intuitentityid"]),
                "operation": operation,
                "realm": realm,
            },
        )


def _reason(error: AuthClientError) -> str:
    content = error.content or b""
    text = content.decode(errors="replace") if isinstance(content, bytes) else str(content)
    try:
        return json.loads(text).get("error", text)[:120]
    except (ValueError, AttributeError):
        return text[:120] or str(error.status_code)
