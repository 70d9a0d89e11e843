"""What every part of the emulated platform's state shares: errors, the per-account data,
the clock, persistence and object access."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from connectors.money import ZERO_DECIMAL_CURRENCIES

API_VERSION = "2026-10-28.endive"
CHECKOUT_DEFAULT_TTL = 24 * 3600
HOSTED_URL_DAYS_AFTER_DUE = 30
MAX_INVOICE_NUMBER = 26
ACCOUNT_LINK_TTL = 300
OAUTH_CODE_TTL = 300

SUCCESS_CARD = "4242424242424242"
DECLINE_CARD = "4000000000000002"
# Stripe's currencies without a minor unit, lower-cased as its API writes them.
ZERO_DECIMAL = frozenset(code.lower() for code in ZERO_DECIMAL_CURRENCIES)
# Checkout's ``locale``: the languages Stripe's Checkout is written in ("auto": the browser's).
CHECKOUT_LOCALES = (
    "auto", "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil",
    "fr", "fr-CA", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl",
    "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW",
)  # fmt: skip


class StripeError(Exception):
    def __init__(self, status: int, message: str, *, type="invalid_request_error", code=None,
                 param=None, decline_code=None):  # fmt: skip
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type, "message": message, "code": code, "param": param}}
        if decline_code:
            self.body["error"]["decline_code"] = decline_code


def missing(kind: str, object_id: str) -> StripeError:
    return StripeError(404, f"No such {kind}: '{object_id}'", code="resource_missing", param="id")


@dataclass
class AccountData:
    account: dict
    connected: bool = True
    objects: dict[str, dict] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    idempotency: dict[str, dict] = field(default_factory=dict)


class OAuthError(Exception):
    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.body = {"error": error, "error_description": description}


def public(obj: dict) -> dict:
    """The object as the API returns it: internal fields (prefixed ``_``) removed."""
    return {
        key: value for key, value in obj.items() if not key.startswith("_") and key != "deleted"
    }


def _int(value, param: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StripeError(400, f"Invalid integer: {value}", param=param) from None


def _bool(value) -> bool:
    return str(value).lower() in ("true", "1")


def _default_currency(country: str) -> str:
    return {"US": "usd", "GB": "gbp", "JP": "jpy", "CA": "cad", "CH": "chf"}.get(
        country.upper(), "eur"
    )


class StateCore:
    """The accounts, the clock (tests travel it) and the state file; one lock for it all."""

    def __init__(self, public_url: str, *, state_file: Path | None = None):
        self.public_url = public_url.rstrip("/")
        self.lock = threading.RLock()
        self.clock_offset = 0
        self.accounts: dict[str, AccountData] = {}
        self.oauth_codes: dict[str, dict] = {}
        self.account_links: dict[str, dict] = {}
        self.on_event = lambda event: None
        self.state_file = state_file
        self._load()

    # ---- time and persistence -------------------------------------------------------------
    def now(self) -> int:
        return int(time.time()) + self.clock_offset

    def advance_clock(self, seconds: int) -> None:
        with self.lock:
            self.clock_offset += seconds
            self.sweep()

    def _load(self) -> None:
        if not self.state_file or not self.state_file.exists():
            return
        saved = json.loads(self.state_file.read_text())
        self.clock_offset = saved.get("clock_offset", 0)
        for account_id, data in saved["accounts"].items():
            self.accounts[account_id] = AccountData(**data)

    def save(self) -> None:
        if not self.state_file:
            return
        payload = {
            "clock_offset": self.clock_offset,
            "accounts": {key: vars(data) for key, data in self.accounts.items()},
        }
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload))
        tmp.replace(self.state_file)

    def get(self, data: AccountData, kind: str, object_id: str, prefix: str) -> dict:
        obj = data.objects.get(object_id)
        if obj is None or not object_id.startswith(prefix) or obj.get("deleted"):
            raise missing(kind, object_id)
        return obj

    def store(self, data: AccountData, obj: dict, livemode: bool) -> dict:
        if "livemode" in obj:  # not every Stripe object says its mode (refunds do not)
            obj["livemode"] = livemode
        data.objects[obj["id"]] = obj
        return obj
