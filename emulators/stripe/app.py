"""The emulator's HTTP surface: Stripe's REST API, Connect OAuth, hosted pages, a test API.

A plain WSGI application. The official SDK reaches it through its ``base_addresses``; browsers
reach the hosted pages through the URLs the API returns. ``/_emulator/…`` is not Stripe's: it
lets tests and the dev stack drive what a person or Stripe would do (advance the clock, lose
webhooks, inject a timeout, mint an OAuth code, pay, refund as from the dashboard, end a
subscription's period: ``subscription_api.py``).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from http import HTTPStatus
from urllib.parse import parse_qsl, urlencode

from emulators.stripe import card_api, card_pages, pages, subscription_api
from emulators.stripe.objects import list_object
from emulators.stripe.state import OAuthError, StripeError, StripeState, public
from emulators.stripe.webhooks import WebhookSender

MAX_BODY = 1_000_000


def decode_params(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (``a[b][0][c]=v``) into nested dicts and lists."""
    root: dict = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+|\[\]", key)
        if not parts:
            continue
        node = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if part == "[]":
                part = str(len(node))
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        node = {key: _lists(value) for key, value in node.items()}
        if node and all(key.isdigit() for key in node):
            return [node[key] for key in sorted(node, key=int)]
    return node


class Fault:
    def __init__(self, spec: dict):
        self.method = spec.get("method", "POST")
        self.path = spec["path"]
        self.times = int(spec.get("times", 1))
        self.kind = spec.get("kind", "delay_after")
        self.seconds = float(spec.get("seconds", 2))


class EmulatorApp:
    def __init__(self, state: StripeState, sender: WebhookSender, api_keys: set[str],
                 client_ids: set[str]):  # fmt: skip
        self.state = state
        self.sender = sender
        self.api_keys = api_keys
        self.client_ids = client_ids
        self.faults: list[Fault] = []
        self.requests: list[dict] = []
        state.on_event = sender.enqueue

    # ---- WSGI plumbing --------------------------------------------------------------------
    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "/")
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
        body = environ["wsgi.input"].read(length).decode() if length else ""
        query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        try:
            status, content_type, payload, extra = self.route(method, path, query, body, headers)
        except StripeError as error:
            status, content_type, payload, extra = error.status, "json", error.body, {}
        except OAuthError as error:
            status, content_type, payload, extra = 400, "json", error.body, {}
        if content_type == "json":
            data = json.dumps(payload, indent=2).encode()
            content_type = "application/json"
        else:
            data = payload.encode()
            content_type = content_type or "text/html; charset=utf-8"
        response_headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(len(data))),
            ("Request-Id", "req_" + secrets.token_hex(7)),
        ]
        response_headers += list(extra.items())
        start_response(f"{status} {HTTPStatus(status).phrase}", response_headers)
        return [data]

    def route(self, method, path, query, body, headers):
        if path.startswith("/v1/"):
            return self.api(method, path, query, body, headers)
        if path.startswith("/oauth/"):
            return self.oauth(method, path, query, body, headers)
        if path.startswith("/_emulator/"):
            return self.control(method, path, json.loads(body or "{}"))
        if path.startswith(card_pages.PREFIXES):
            return card_pages.handle(
                self.state, method, path, dict(query), dict(parse_qsl(body)),
                headers.get("accept-language", ""),
            )  # fmt: skip
        return pages.handle(
            self.state,
            method,
            path,
            dict(query),
            dict(parse_qsl(body)),
            self.client_ids,
            headers.get("accept-language", ""),
        )

    # ---- the REST API ---------------------------------------------------------------------
    def api(self, method, path, query, body, headers):
        livemode = self._authenticate(headers)
        params = decode_params(query + parse_qsl(body, keep_blank_values=True))
        account_id = headers.get("stripe-account")
        self.requests.append(
            {
                "method": method,
                "path": path,
                "account": account_id,
                "idempotency_key": headers.get("idempotency-key"),
                "params": params,
            }
        )
        fault = self._fault(method, path)
        if fault and fault.kind == "error_500":
            raise StripeError(500, "An unexpected error occurred (emulated).", type="api_error")
        if fault and fault.kind == "refusal":  # a 400: Stripe refused, nothing to retry
            raise StripeError(400, "This request was refused (emulated).")
        key = headers.get("idempotency-key") if method == "POST" else None
        with self.state.lock:
            self.state.sweep()
            replay = self._replay(account_id, key, method, path, params)
            if replay is not None:
                status, payload = replay
                extra = {"Idempotent-Replayed": "true", "Idempotency-Key": key}
            else:
                try:
                    status, payload = 200, self.dispatch(method, path, params, account_id, livemode)
                except StripeError as error:
                    status, payload = error.status, error.body
                self._remember(account_id, key, method, path, params, status, payload)
                extra = {"Idempotency-Key": key} if key else {}
        if fault and fault.kind == "delay_after":
            time.sleep(fault.seconds)
        return status, "json", payload, extra

    def _authenticate(self, headers) -> bool:
        auth = headers.get("authorization", "")
        key = auth[7:] if auth.startswith("Bearer ") else ""
        if key not in self.api_keys:
            raise StripeError(401, f"Invalid API Key provided: {key[:12]}***")
        return key.startswith("sk_live_")

    def _fault(self, method, path) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and re.fullmatch(fault.path, path) and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    def _replay(self, account_id, key, method, path, params):
        if not key:
            return None
        store = self._idempotency_store(account_id)
        saved = store.get(key)
        if saved is None:
            return None
        fingerprint = _fingerprint(method, path, params)
        if saved["fingerprint"] != fingerprint:
            raise StripeError(
                400,
                "Keys for idempotent requests can only be used with the same "
                "parameters they were first used with.",
                type="idempotency_error",
            )
        return saved["status"], saved["payload"]

    def _remember(self, account_id, key, method, path, params, status, payload):
        if not key or status >= 500:
            return
        self._idempotency_store(account_id)[key] = {
            "fingerprint": _fingerprint(method, path, params),
            "status": status,
            "payload": payload,
        }
        self.state.save()

    def _idempotency_store(self, account_id):
        if account_id and account_id in self.state.accounts:
            return self.state.accounts[account_id].idempotency
        return self.state.__dict__.setdefault("platform_idempotency", {})

    def dispatch(self, method, path, params, account_id, livemode):
        state = self.state
        parts = path.strip("/").split("/")[1:]
        expand = params.pop("expand", None) or []

        if parts == ["accounts"] and method == "POST":
            return public(state.create_account(params, livemode, onboarded=False))
        if parts[:1] == ["accounts"] and len(parts) == 2 and method == "GET":
            return public(state.public_account(parts[1]))
        if parts == ["account"] and method == "GET":
            return public(state.account_data(account_id).account)
        if parts == ["account_links"] and method == "POST":
            return state.create_account_link(params)

        data = state.account_data(account_id)
        base = "/".join(parts)
        url = "/v1/" + base
        if parts == ["customers"]:
            if method == "POST":
                return public(state.create_customer(data, params, livemode))
            return self._list(
                data,
                "customer",
                params,
                url,
                lambda c: not params.get("email") or c["email"] == params["email"],
            )
        if parts[:1] == ["customers"] and len(parts) == 2:
            customer = state.get(data, "customer", parts[1], "cus_")
            if method == "POST":
                customer = state.update_customer(data, customer, params)
            return public(customer)
        if parts == ["invoices"]:
            if method == "POST":
                return public(state.create_invoice(data, params, livemode))
            return self._list(
                data,
                "invoice",
                params,
                url,
                lambda i: (
                    (not params.get("customer") or i["customer"] == params["customer"])
                    and (not params.get("status") or i["status"] == params["status"])
                ),
            )
        if parts[:1] == ["invoices"] and len(parts) >= 2:
            invoice_id = parts[1]
            action = parts[2] if len(parts) == 3 else None
            if method == "DELETE" and action is None:
                return state.delete_invoice(data, invoice_id)
            if method == "GET" and action is None:
                invoice = state.get(data, "invoice", invoice_id, "in_")
                return self._expand(data, state.refresh_hosted_url(data, invoice), expand)
            if method == "POST" and action is None:
                return public(state.update_invoice(data, invoice_id, params))
            actions = {
                "finalize": state.finalize_invoice,
                "send": state.send_invoice,
                "void": state.void_invoice,
            }
            if method == "POST" and action in actions:
                return public(actions[action](data, invoice_id))
        if parts == ["invoiceitems"] and method == "POST":
            return public(state.create_invoice_item(data, params, livemode))
        if parts == ["tax_rates"]:
            if method == "POST":
                return public(state.create_tax_rate(data, params, livemode))
            return state.list_tax_rates(data, params, url)
        if parts[:1] == ["tax_rates"] and len(parts) == 2:
            if method == "POST":
                return public(state.update_tax_rate(data, parts[1], params))
            return public(state.get(data, "tax_rate", parts[1], "txr_"))
        if parts == ["invoice_payments"] and method == "GET":
            return state.invoice_payments(data, params.get("invoice") or "", url)
        if parts == ["checkout", "sessions"] and method == "POST":
            return public(state.create_checkout_session(data, params, livemode))
        if parts[:2] == ["checkout", "sessions"] and len(parts) >= 3:
            if len(parts) == 4 and parts[3] == "expire" and method == "POST":
                return public(state.expire_session(data, parts[2]))
            if len(parts) == 3 and method == "GET":
                return public(state.get(data, "checkout session", parts[2], "cs_"))
            if len(parts) == 4 and parts[3] == "line_items" and method == "GET":
                return state.session_line_items(data, parts[2], expand, url)
        if parts[:1] == ["payment_intents"] and len(parts) == 2 and method == "GET":
            intent = state.get(data, "payment_intent", parts[1], "pi_")
            return self._expand(data, intent, expand)
        if parts == ["refunds"] and method == "POST":
            return public(state.refund(data, params, livemode))
        if parts[:1] == ["charges"] and len(parts) == 2 and method == "GET":
            return public(state.get(data, "charge", parts[1], "ch_"))
        if parts == ["events"] and method == "GET":
            return state.list_events(data, params, url)
        if parts[:1] == ["events"] and len(parts) == 2 and method == "GET":
            for event in data.events:
                if event["id"] == parts[1]:
                    return event
            raise StripeError(404, f"No such event: '{parts[1]}'", code="resource_missing")
        answer = card_api.dispatch(state, method, parts, params, data, livemode, url)
        if answer is None:
            answer = subscription_api.dispatch(state, method, parts, params, data, livemode, url)
        if answer is not None:
            return answer
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    def _list(self, data, object_type, params, url, keep):
        rows = [
            public(o)
            for o in data.objects.values()
            if o.get("object") == object_type and not o.get("deleted") and keep(o)
        ]
        rows.sort(key=lambda o: o["created"], reverse=True)
        limit = min(int(params.get("limit") or 10), 100)
        return list_object(rows[:limit], url, has_more=len(rows) > limit)

    def _expand(self, data, obj, expand):
        result = public(obj)
        for path in expand:
            value = result.get(path)
            if isinstance(value, str) and value in data.objects:
                result[path] = public(data.objects[value])
        return result

    # ---- Connect OAuth ----------------------------------------------------------------------
    def oauth(self, method, path, query, body, headers):
        if path == "/oauth/authorize" and method in ("GET", "POST"):
            form = dict(parse_qsl(body)) if method == "POST" else {}
            return pages.handle(
                self.state,
                method,
                path,
                dict(query),
                form,
                self.client_ids,
                headers.get("accept-language", ""),
            )
        livemode = self._authenticate(headers)
        params = dict(parse_qsl(body))
        if path == "/oauth/token" and method == "POST":
            if params.get("grant_type") != "authorization_code":
                raise OAuthError("unsupported_grant_type", "Only authorization_code is emulated.")
            return 200, "json", self.state.exchange_code(params.get("code", ""), livemode), {}
        if path == "/oauth/deauthorize" and method == "POST":
            if params.get("client_id") not in self.client_ids:
                raise OAuthError("invalid_client", "No such application.")
            return 200, "json", self.state.deauthorize(params.get("stripe_user_id", "")), {}
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    # ---- test control -----------------------------------------------------------------------
    def control(self, method, path, payload):
        state = self.state
        if path == "/_emulator/clock" and method == "POST":
            state.advance_clock(int(payload.get("advance", 0)))
            return 200, "json", {"now": state.now()}, {}
        if path.startswith(subscription_api.CONTROL):
            return subscription_api.control(state, method, path, payload)
        if path == "/_emulator/webhooks" and method == "POST":
            self.sender.paused = bool(payload.get("paused"))
            return 200, "json", {"paused": self.sender.paused}, {}
        if path == "/_emulator/faults" and method == "POST":
            self.faults.append(Fault(payload))
            return 200, "json", {"faults": len(self.faults)}, {}
        if path == "/_emulator/oauth/code" and method == "POST":
            code = state.authorize(
                bool(payload.get("livemode")),
                payload.get("business_name", "Emulated business"),
                payload.get("email", ""),
            )
            return 200, "json", {"code": code}, {}
        if path == "/_emulator/pay" and method == "POST":
            account, object_id = payload["account"], payload["id"]
            card = payload.get("card", "4242424242424242")
            if object_id.startswith("cs_"):
                intent = state.pay_session(account, object_id, card)
            else:
                intent = state.pay_invoice(account, object_id, card)
            return 200, "json", public(intent), {}
        if path == "/_emulator/refund" and method == "POST":  # what the dashboard's button does
            account = payload.pop("account")
            with state.lock:
                data = state.account_data(account)
                refund = state.refund(data, payload, bool(data.account.get("_livemode")))
            return 200, "json", public(refund), {}
        raise StripeError(404, f"Unknown emulator control {path}")


def _fingerprint(method, path, params) -> str:
    return hashlib.sha256(
        f"{method} {path} {urlencode(sorted(_flat(params)))}".encode()
    ).hexdigest()


def _flat(value, prefix=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flat(item, f"{prefix}[{key}]" if prefix else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _flat(item, f"{prefix}[{index}]")
    else:
        yield prefix, str(value)
