"""The QuickBooks emulator's HTTP surface: Intuit OAuth 2.0, the v3 accounting API, a hosted
invoice page, signed webhooks (classic and CloudEvents) and a small test-control API."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import queue
import threading
import time
import urllib.error
import urllib.request
import uuid
from decimal import Decimal
from http import HTTPStatus
from urllib.parse import parse_qsl, urlencode

from emulators.quickbooks.pages import invoice_page, page
from emulators.quickbooks.queries import run_query
from emulators.quickbooks.state import (
    OAuthFault,
    QboFault,
    QboState,
    now_iso,
    public,
)
from emulators.quickbooks.wording import Wording, from_browser

# What a GET of ``/<entity>/<id>`` reads.
READABLE = {
    "customer": "Customer",
    "payment": "Payment",
    "refundreceipt": "RefundReceipt",
    "taxagency": "TaxAgency",
    "taxcode": "TaxCode",
    "taxrate": "TaxRate",
}
VERBS = {"Create": "created", "Update": "updated", "Void": "voided", "Delete": "deleted"}
SCOPES = {"com.intuit.quickbooks.accounting", "com.intuit.quickbooks.payment", "openid"}


def sign(body: bytes, verifier: str) -> str:
    return base64.b64encode(hmac.new(verifier.encode(), body, hashlib.sha256).digest()).decode()


class Notifier:
    """Batches entity changes for a moment and posts them, signed, like Intuit does.

    One delivery may carry several companies. ``format`` is "classic" (eventNotifications)
    or "cloudevents" (the format Intuit is moving to).
    """

    def __init__(self, verifier: str):
        self.verifier = verifier
        self.urls: list[str] = []
        self.paused = False
        self.format = "classic"
        self.delivered: list[dict] = []
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._run, daemon=True, name="qbo-webhooks").start()

    def notify(self, realm: str, kind: str, object_id: str, operation: str) -> None:
        if not self.paused and self.urls:
            self._queue.put((realm, kind, object_id, operation, now_iso()))

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            time.sleep(0.2)
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            body = json.dumps(self._payload(batch)).encode()
            for url in list(self.urls):
                self._post(url, body)

    def _payload(self, batch):
        if self.format == "cloudevents":
            return [
                {
                    "specversion": "1.0",
                    "id": str(uuid.uuid4()),
                    "source": "intuit.quickbooks",
                    "type": f"qbo.{kind.lower()}.{VERBS.get(operation, 'updated')}.v1",
                    "datacontenttype": "application/json",
                    "time": moment,
                    "intuitentityid": object_id,
                    "intuitaccountid": realm,
                    "data": {},
                }
                for realm, kind, object_id, operation, moment in batch
            ]
        by_realm: dict[str, list] = {}
        for realm, kind, object_id, operation, moment in batch:
            by_realm.setdefault(realm, []).append(
                {"name": kind, "id": object_id, "operation": operation, "lastUpdated": moment}
            )
        return {
            "eventNotifications": [
                {"realmId": realm, "dataChangeEvent": {"entities": entities}}
                for realm, entities in by_realm.items()
            ]
        }

    def _post(self, url: str, body: bytes) -> None:
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "intuit-signature": sign(body, self.verifier),
                "User-Agent": "Intuit-Webhooks",
            },
        )
        for attempt in range(3):
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            self.delivered.append({"url": url, "status": status})
            if 200 <= status < 300:
                return
            time.sleep(0.5 * (attempt + 1))


class QboApp:
    def __init__(self, state: QboState, notifier: Notifier):
        self.state = state
        self.notifier = notifier
        state.on_change = lambda company, kind, obj, operation: notifier.notify(
            company.realm_id, kind, obj["Id"], operation
        )

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "/")
        length = min(int(environ.get("CONTENT_LENGTH") or 0), 1_000_000)
        body = environ["wsgi.input"].read(length) if length else b""
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        auth = environ.get("HTTP_AUTHORIZATION", "")
        # Intuit's pages follow the browser's language.
        words = from_browser(environ.get("HTTP_ACCEPT_LANGUAGE", ""))
        try:
            status, content_type, payload, extra = self.route(
                method, path, query, body, auth, words
            )
        except QboFault as fault:
            status, content_type, payload, extra = fault.status, "json", fault.body, {}
        except OAuthFault as fault:
            status, content_type, payload, extra = fault.status, "json", fault.body, {}
        data = json.dumps(payload).encode() if content_type == "json" else payload.encode()
        headers = [
            (
                "Content-Type",
                "application/json" if content_type == "json" else "text/html; charset=utf-8",
            ),
            ("Content-Length", str(len(data))),
            ("intuit_tid", uuid.uuid4().hex),
        ] + list(extra.items())
        if content_type != "json":
            headers.append(("Content-Language", words.language))
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [data]

    def route(self, method, path, query, body, auth, words: Wording | None = None):
        words = words or Wording()
        base = self.state.public_url
        if path == "/.well-known/openid_configuration":
            return (
                200,
                "json",
                {
                    "issuer": base,
                    "authorization_endpoint": f"{base}/connect/oauth2",
                    "token_endpoint": f"{base}/oauth2/v1/tokens/bearer",
                    "revocation_endpoint": f"{base}/oauth2/v1/tokens/revoke",
                    "userinfo_endpoint": f"{base}/v1/openid_connect/userinfo",
                    "jwks_uri": f"{base}/oauth2/v1/keys",
                },
                {},
            )
        if path == "/connect/oauth2":
            return self.consent(method, query, dict(parse_qsl(body.decode())), words)
        if path == "/oauth2/v1/tokens/bearer" and method == "POST":
            self._client_auth(auth)
            return 200, "json", self.state.exchange(dict(parse_qsl(body.decode()))), {}
        if path == "/oauth2/v1/tokens/revoke" and method == "POST":
            self._client_auth(auth)
            self.state.revoke(json.loads(body or b"{}").get("token", ""))
            return 200, "json", {}, {}
        if path.startswith("/v3/company/"):
            return self.api(method, path, query, body, auth)
        if path.startswith("/app/invoice/"):
            return self.hosted_invoice(method, path, dict(parse_qsl(body.decode())), words)
        if path.startswith("/_emulator/"):
            return self.control(path, json.loads(body or b"{}"))
        return 404, "html", "<h1>Not found</h1>", {}

    def _client_auth(self, auth: str) -> None:
        expected = base64.b64encode(
            f"{self.state.client_id}:{self.state.client_secret}".encode()
        ).decode()
        if auth != f"Basic {expected}":
            raise OAuthFault("invalid_client", 401)

    # ---- consent page ---------------------------------------------------------------------
    def consent(self, method, query, form, words: Wording):
        if query.get("client_id") != self.state.client_id:
            return 400, "html", f"<h1>{words.html('invalid_client')}</h1>", {}
        if not SCOPES & set(query.get("scope", "").split()):
            return 400, "html", f"<h1>{words.html('invalid_scope')}</h1>", {}
        redirect_uri = query.get("redirect_uri", "")
        if method == "POST":
            separator = "&" if "?" in redirect_uri else "?"
            if form.get("decision") == "deny":
                target = (
                    redirect_uri
                    + separator
                    + urlencode({"error": "access_denied", "state": query.get("state", "")})
                )
                return 302, "html", "", {"Location": target}
            code, realm = self.state.consent(
                form.get("company") or "Sandbox Company", form.get("email", ""), redirect_uri
            )
            target = (
                redirect_uri
                + separator
                + urlencode({"code": code, "state": query.get("state", ""), "realmId": realm})
            )
            return 302, "html", "", {"Location": target}
        return (
            200,
            "html",
            page(
                words,
                words.text("connect_title"),
                f"""
          <h1>{words.html("connect_title")}</h1>
          <p class="muted">{words.html("connect_intro")}</p>
          <form method="post">
            <label for="company">{words.html("company")}</label>
            <input id="company" name="company" value="Sandbox Company" required>
            <label for="email">{words.html("company_email")}</label>
            <input id="email" name="email" type="email">
            <button name="decision" value="allow">{words.html("connect")}</button>
            <button name="decision" value="deny" class="secondary"
                    formnovalidate>{words.html("cancel")}</button>
          </form>""",
            ),
            {},
        )

    # ---- accounting API -----------------------------------------------------------------------
    def api(self, method, path, query, body, auth):
        parts = path.strip("/").split("/")  # v3 company <realm> <entity> [<id>] [send]
        if len(parts) < 4:
            raise QboFault(404, "Unsupported operation", "500")
        realm = parts[2]
        if realm not in self.state.companies:
            raise QboFault(401, "AuthenticationFailed", "3200", "Unknown company", "AUTHENTICATION")
        company = self.state.authorize(realm, auth[7:] if auth.startswith("Bearer ") else "")
        self.state.enter(company)
        try:
            request_id = query.get("requestid") if method == "POST" else None
            if request_id and request_id in company.request_ids:
                status, payload = company.request_ids[request_id]
                return status, "json", payload, {}
            try:
                status, payload = 200, self.dispatch(company, method, parts[3:], query, body)
            except QboFault as fault:
                status, payload = fault.status, fault.body
            if request_id and status < 500:
                company.request_ids[request_id] = (status, payload)
            return status, "json", payload, {}
        finally:
            self.state.leave(company)

    def dispatch(self, company, method, parts, query, body):
        state = self.state
        entity = parts[0]
        if entity == "query" and method == "POST":  # the statement is the body, as text
            return run_query(company, body.decode())
        data = json.loads(body or b"{}") if method == "POST" and body else {}
        if entity == "companyinfo":
            return {
                "CompanyInfo": {
                    "Id": "1",
                    "CompanyName": company.name,
                    "LegalName": company.name,
                    "Email": {"Address": company.email},
                    "Country": "US",
                    "SyncToken": "0",
                },
                "time": now_iso(),
            }
        if entity == "customer" and method == "POST":
            return {"Customer": public(state.save_customer(company, data)), "time": now_iso()}
        if entity == "invoice":
            return self.invoices(company, method, parts, query, data)
        if entity == "taxservice" and parts[1:] == ["taxcode"] and method == "POST":
            return state.create_tax_code(company, data)  # answered bare, as Intuit does
        if entity == "taxagency" and method == "POST":
            return {"TaxAgency": public(state.create_agency(company, data)), "time": now_iso()}
        if entity in READABLE and method == "GET" and len(parts) == 2:
            kind = READABLE[entity]
            return {kind: public(state.get(company, kind, parts[1])), "time": now_iso()}
        if entity == "cdc":
            since = _parse_time(query.get("changedSince", ""))
            kinds = [k.strip() for k in query.get("entities", "").split(",") if k.strip()]
            return state.changed_since(company, kinds, since)
        raise QboFault(400, "Unsupported operation", "500", f"{method} {'/'.join(parts)}")

    def invoices(self, company, method, parts, query, data):
        state = self.state
        with_link = query.get("include") == "invoiceLink"
        if method == "POST" and len(parts) == 3 and parts[2] == "send":
            invoice, with_link = (
                state.send_invoice(company, parts[1], query.get("sendTo", "")),
                True,
            )
        elif method == "POST" and query.get("operation") == "void":
            invoice, with_link = state.void_invoice(company, data), False
        elif method == "POST" and query.get("operation") == "delete":
            return {"Invoice": state.delete_invoice(company, data), "time": now_iso()}
        elif method == "POST":
            invoice = state.save_invoice(company, data)
        else:
            invoice = state.get(company, "Invoice", parts[1])
        return {"Invoice": self._invoice(company, invoice, with_link), "time": now_iso()}

    def _invoice(self, company, invoice, with_link: bool) -> dict:
        result = public(invoice)
        if with_link:
            result["InvoiceLink"] = self.state.invoice_link(company, invoice)
        return result

    # ---- hosted invoice page -----------------------------------------------------------------
    def hosted_invoice(self, method, path, form, words: Wording):
        return invoice_page(self.state, method, path, form, words)

    # ---- test control -------------------------------------------------------------------------
    def control(self, path, payload):
        state = self.state
        if path == "/_emulator/clock":
            state.clock_offset += int(payload.get("advance", 0))
            return 200, "json", {"now": state.now()}, {}
        if path == "/_emulator/webhooks":
            self.notifier.paused = bool(payload.get("paused", self.notifier.paused))
            self.notifier.format = payload.get("format", self.notifier.format)
            return 200, "json", {"paused": self.notifier.paused, "format": self.notifier.format}, {}
        if path == "/_emulator/pay":
            amount = payload.get("amount")
            payment = state.pay_invoice(
                payload["realm"], payload["invoice"], Decimal(str(amount)) if amount else None
            )
            return 200, "json", public(payment), {}
        if path == "/_emulator/refund":  # the bookkeeper refunds (part of) a payment
            amount = payload.get("amount")
            receipt = state.refund_payment(
                payload["realm"], payload["payment"], Decimal(str(amount)) if amount else None
            )
            return 200, "json", public(receipt), {}
        return 404, "json", {"error": "unknown control"}, {}


def _parse_time(value: str) -> float:
    from datetime import datetime

    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise QboFault(400, "Invalid changedSince", "2010", value) from None
