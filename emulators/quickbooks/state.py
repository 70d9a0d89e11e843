"""The emulated QuickBooks Online companies, OAuth grants and Intuit's rules.

Tokens follow Intuit's lifetimes: access tokens last an hour, refresh tokens 100 days and
rotate on every refresh (the previous one stops working). Each company allows 500 requests a
minute and 10 at a time, answering 429 beyond. Updates need the current SyncToken.
"""

from __future__ import annotations

import secrets
import threading
import time

from emulators.quickbooks.invoices import InvoiceBook
from emulators.quickbooks.records import (  # noqa: F401 - the emulator's names
    Company,
    OAuthFault,
    QboFault,
    now_iso,
    public,
)
from emulators.quickbooks.refunds import RefundBook
from emulators.quickbooks.taxes import TaxBook

ACCESS_TTL = 3600
REFRESH_TTL = 100 * 86400
CODE_TTL = 300
RATE_PER_MINUTE = 500
MAX_CONCURRENT = 10


class QboState(InvoiceBook, TaxBook, RefundBook):
    def __init__(self, public_url: str, client_id: str, client_secret: str):
        self.public_url = public_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.lock = threading.RLock()
        self.companies: dict[str, Company] = {}
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.refresh_tokens: dict[str, dict] = {}
        self.token_calls = 0
        self.clock_offset = 0
        self.throttled = 0
        self.on_change = lambda company, kind, obj, operation: None
        self.rate_limit, self.rate_window, self.max_concurrent = (
            RATE_PER_MINUTE,
            60.0,
            MAX_CONCURRENT,
        )

    def now(self) -> float:
        return time.time() + self.clock_offset

    # ---- OAuth ------------------------------------------------------------------------------
    def consent(self, company_name: str, email: str, redirect_uri: str) -> tuple[str, str]:
        with self.lock:
            # Intuit's realm ids are unique: a number drawn again (n + r can repeat for two
            # companies) would hand a second account a company that another one connected.
            realm = ""
            while not realm or realm in self.companies:
                realm = str(9130350000000000 + secrets.randbelow(10**12))
            self.companies[realm] = Company(realm, company_name, email)
            self.seed_taxes(self.companies[realm])
            code = "AB11" + secrets.token_urlsafe(24)
            self.codes[code] = {
                "realm": realm,
                "redirect_uri": redirect_uri,
                "expires": self.now() + CODE_TTL,
            }
            return code, realm

    def exchange(self, form: dict) -> dict:
        with self.lock:
            self.token_calls += 1
            grant = form.get("grant_type")
            if grant == "authorization_code":
                code = self.codes.pop(form.get("code", ""), None)
                if code is None or code["expires"] < self.now():
                    raise OAuthFault("invalid_grant")
                if code["redirect_uri"] != form.get("redirect_uri"):
                    raise OAuthFault("invalid_grant")
                return self._issue(code["realm"], self.now() + REFRESH_TTL)
            if grant == "refresh_token":
                old = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
                if old is None or old["expires"] < self.now():
                    raise OAuthFault("invalid_grant")
                company = self.companies.get(old["realm"])
                if company is None or not company.connected:
                    raise OAuthFault("invalid_grant")
                return self._issue(old["realm"], old["expires"])
            raise OAuthFault("unsupported_grant_type")

    def _issue(self, realm: str, refresh_expires: float) -> dict:
        access = "eyJ.emulated." + secrets.token_urlsafe(32)
        refresh = "RT1-" + secrets.token_urlsafe(32)
        self.access_tokens[access] = {"realm": realm, "expires": self.now() + ACCESS_TTL}
        self.refresh_tokens[refresh] = {"realm": realm, "expires": refresh_expires}
        return {
            "token_type": "bearer",
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": ACCESS_TTL,
            "x_refresh_token_expires_in": int(refresh_expires - self.now()),
        }

    def revoke(self, token: str) -> None:
        with self.lock:
            grant = self.refresh_tokens.pop(token, None) or self.access_tokens.pop(token, None)
            if grant is None:
                raise OAuthFault("invalid_token")
            realm = grant["realm"]
            for store in (self.refresh_tokens, self.access_tokens):
                for key in [k for k, v in store.items() if v["realm"] == realm]:
                    store.pop(key)

    def authorize(self, realm: str, bearer: str) -> Company:
        grant = self.access_tokens.get(bearer)
        if grant is None or grant["expires"] < self.now() or grant["realm"] != realm:
            raise QboFault(
                401,
                "AuthenticationFailed",
                "3200",
                "Token expired or not valid for this company",
                "AUTHENTICATION",
            )
        return self.companies[realm]

    # ---- limits -------------------------------------------------------------------------------
    def enter(self, company: Company) -> None:
        with self.lock:
            now = self.now()
            while company.window and company.window[0] < now - self.rate_window:
                company.window.popleft()
            if len(company.window) >= self.rate_limit or company.in_flight >= self.max_concurrent:
                self.throttled += 1
                raise QboFault(
                    429,
                    "ThrottleExceeded",
                    "003001",
                    "The request exceeded the maximum number of requests allowed",
                    "SERVICE",
                )
            company.window.append(now)
            company.in_flight += 1

    def leave(self, company: Company) -> None:
        with self.lock:
            company.in_flight -= 1

    # ---- objects ------------------------------------------------------------------------------
    def store(self, company: Company, kind: str, obj: dict, operation: str) -> dict:
        obj["MetaData"] = {
            "CreateTime": obj.get("MetaData", {}).get("CreateTime", now_iso()),
            "LastUpdatedTime": now_iso(),
        }
        company.objects.setdefault(kind, {})[obj["Id"]] = obj
        company.changes.append((self.now(), kind, obj["Id"]))
        self.on_change(company, kind, obj, operation)
        return obj

    def new_id(self, company: Company) -> str:
        company.next_id += 1
        return str(company.next_id)

    def get(self, company: Company, kind: str, object_id: str) -> dict:
        obj = company.objects.get(kind, {}).get(object_id)
        if obj is None:
            raise QboFault(
                400,
                "Object Not Found",
                "610",
                f"Object Not Found : Something you're trying to use has been made "
                f"inactive. Check the fields with accounts, customers, items, vendors "
                f"or employees. ({kind} {object_id})",
            )
        return obj

    def check_sync(self, current: dict, sent: dict) -> None:
        if str(sent.get("SyncToken")) != str(current["SyncToken"]):
            raise QboFault(
                400,
                "Stale Object Error",
                "5010",
                f"Stale Object Error : You and {current.get('DisplayName', 'someone')}"
                " were working on this at the same time.",
            )

    def save_customer(self, company: Company, body: dict) -> dict:
        with self.lock:
            if body.get("Id"):
                current = self.get(company, "Customer", body["Id"])
                self.check_sync(current, body)
                current.update({k: v for k, v in body.items() if k not in ("Id", "SyncToken")})
                current["SyncToken"] = str(int(current["SyncToken"]) + 1)
                return self.store(company, "Customer", current, "Update")
            if not body.get("DisplayName"):
                raise QboFault(
                    400,
                    "Required param missing, need to supply the required value for the API",
                    "2020",
                    "Required parameter DisplayName is missing",
                )
            for existing in company.objects.get("Customer", {}).values():
                if existing["DisplayName"] == body["DisplayName"]:
                    raise QboFault(
                        400,
                        "Duplicate Name Exists Error",
                        "6240",
                        f"The name supplied already exists. : Id={existing['Id']}",
                    )
            customer = {
                **body,
                "Id": self.new_id(company),
                "SyncToken": "0",
                "Active": True,
                "domain": "QBO",
                "sparse": False,
            }
            return self.store(company, "Customer", customer, "Create")

    def changed_since(self, company: Company, kinds: list[str], since: float) -> dict:
        ids: dict[str, list[str]] = {kind: [] for kind in kinds}
        for moment, kind, object_id in company.changes:
            if kind in ids and moment >= since and object_id not in ids[kind]:
                ids[kind].append(object_id)
        responses = []
        for kind, object_ids in ids.items():
            # A deleted object is reported as such (QuickBooks' CDC does the same).
            kept = company.objects.get(kind, {})
            objects = [
                public(kept[i]) if i in kept else {"Id": i, "status": "Deleted", "domain": "QBO"}
                for i in object_ids
            ]
            responses.append({kind: objects, "startPosition": 1, "maxResults": len(objects)})
        return {"CDCResponse": [{"QueryResponse": responses}], "time": now_iso()}
