"""The emulated platform's state and rules: what Stripe would accept, refuse and emit.

One ``StripeState`` holds the accounts connected to our platform and, per account, their
customers, invoices, checkout sessions, payments and events. Every mutation runs under one
lock and emits the events Stripe would emit; ``on_event`` hands them to webhook delivery.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from connectors.stripe.emulator.objects import build, list_object, new_id

API_VERSION = "2026-10-28.endive"
CHECKOUT_DEFAULT_TTL = 24 * 3600
HOSTED_URL_DAYS_AFTER_DUE = 30
MAX_INVOICE_NUMBER = 26
ACCOUNT_LINK_TTL = 300
OAUTH_CODE_TTL = 300

SUCCESS_CARD = "4242424242424242"
DECLINE_CARD = "4000000000000002"
ZERO_DECIMAL = {
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf",
    "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
}  # fmt: skip
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


class StripeState:
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

    # ---- accounts -------------------------------------------------------------------------
    def create_account(self, params: dict, livemode: bool, *, onboarded: bool) -> dict:
        with self.lock:
            account = build(
                "account",
                id=new_id("account"),
                type=params.get("type", "standard"),
                country=params.get("country") or "US",
                email=params.get("email"),
                created=self.now(),
                default_currency=_default_currency(params.get("country") or "US"),
                business_profile={
                    "name": (params.get("business_profile") or {}).get("name"),
                    "url": (params.get("business_profile") or {}).get("url"),
                },
                metadata=params.get("metadata") or {},
                charges_enabled=onboarded,
                payouts_enabled=onboarded,
                details_submitted=onboarded,
                capabilities={},
                settings={
                    "dashboard": {
                        "display_name": (params.get("business_profile") or {}).get("name")
                        or params.get("email")
                    }
                },
            )
            account["_livemode"] = livemode
            self.accounts[account["id"]] = AccountData(account=account)
            self.save()
            return account

    def account_data(self, account_id: str | None) -> AccountData:
        if not account_id:
            raise StripeError(
                400, "This emulator serves connected accounts only: send the Stripe-Account header."
            )
        data = self.accounts.get(account_id)
        if data is None or not data.connected:
            raise StripeError(
                403,
                f"The provided key does not have access to account '{account_id}' (or that "
                "account does not exist). Application access may have been revoked.",
                type="invalid_request_error",
                code="account_invalid",
            )
        return data

    def public_account(self, account_id: str) -> dict:
        data = self.accounts.get(account_id)
        if data is None:
            raise missing("account", account_id)
        return data.account

    def complete_onboarding(self, account_id: str, business_name: str) -> dict:
        with self.lock:
            account = self.public_account(account_id)
            account.update(details_submitted=True, charges_enabled=True, payouts_enabled=True)
            account["business_profile"]["name"] = (
                business_name or account["business_profile"]["name"]
            )
            account["settings"]["dashboard"]["display_name"] = business_name
            self.emit(account_id, "account.updated", account)
            return account

    def create_account_link(self, params: dict) -> dict:
        account_id = params.get("account") or ""
        self.public_account(account_id)
        for name in ("refresh_url", "return_url"):
            if not str(params.get(name, "")).startswith(("http://", "https://")):
                raise StripeError(400, f"Invalid URL: {name} must be an absolute URL", param=name)
        token = secrets.token_urlsafe(16)
        expires = self.now() + ACCOUNT_LINK_TTL
        with self.lock:
            self.account_links[token] = {**params, "expires_at": expires}
        return build(
            "account_link",
            created=self.now(),
            expires_at=expires,
            url=f"{self.public_url}/setup/{account_id}/{token}",
        )

    # ---- OAuth ----------------------------------------------------------------------------
    def authorize(self, livemode: bool, business_name: str, email: str) -> str:
        account = self.create_account(
            {"type": "standard", "email": email, "business_profile": {"name": business_name}},
            livemode,
            onboarded=True,
        )
        return self.issue_code(account["id"], livemode)

    def issue_code(self, account_id: str, livemode: bool) -> str:
        code = "ac_" + secrets.token_urlsafe(24)
        with self.lock:
            self.oauth_codes[code] = {
                "account": account_id,
                "livemode": livemode,
                "expires_at": self.now() + OAUTH_CODE_TTL,
            }
        return code

    def exchange_code(self, code: str, livemode: bool) -> dict:
        with self.lock:
            grant = self.oauth_codes.pop(code, None)
            if grant is None or grant["expires_at"] < self.now():
                raise OAuthError("invalid_grant", f"Authorization code does not exist: {code}")
            if grant["livemode"] != livemode:
                raise OAuthError(
                    "invalid_grant",
                    "Authorization code provided does not match the mode of the API key used.",
                )
            data = self.accounts[grant["account"]]
            data.connected = True
            self.save()
            mode = "live" if livemode else "test"
            return {
                "access_token": f"sk_{mode}_" + secrets.token_urlsafe(24),
                "livemode": livemode,
                "refresh_token": "rt_" + secrets.token_urlsafe(24),
                "scope": "read_write",
                "stripe_publishable_key": f"pk_{mode}_" + secrets.token_urlsafe(24),
                "stripe_user_id": grant["account"],
                "token_type": "bearer",
            }

    def deauthorize(self, account_id: str) -> dict:
        with self.lock:
            data = self.accounts.get(account_id)
            if data is None or not data.connected:
                raise OAuthError("invalid_client", f"No such user: {account_id}")
            self.emit(
                account_id,
                "account.application.deauthorized",
                {"id": "ca_emulator", "object": "application", "name": "billing_saas"},
            )
            data.connected = False
            self.save()
            return {"stripe_user_id": account_id}

    # ---- generic object access ------------------------------------------------------------
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

    def emit(self, account_id: str, event_type: str, obj: dict, previous: dict | None = None):
        data = self.accounts[account_id]
        event = build(
            "event",
            id=new_id("event"),
            api_version=API_VERSION,
            created=self.now(),
            data={"object": json.loads(json.dumps(public(obj)))}
            | ({"previous_attributes": previous} if previous else {}),
            livemode=bool(data.account.get("_livemode")),
            pending_webhooks=1,
            request={"id": None, "idempotency_key": None},
            type=event_type,
        )
        event["account"] = account_id
        data.events.append(event)
        self.save()
        self.on_event(event)
        return event

    def list_events(self, data: AccountData, params: dict, url: str) -> dict:
        events = list(reversed(data.events))
        if params.get("type"):
            events = [e for e in events if e["type"] == params["type"]]
        created = params.get("created")
        if isinstance(created, dict) and created.get("gte"):
            events = [e for e in events if e["created"] >= int(created["gte"])]
        if params.get("starting_after"):
            ids = [e["id"] for e in events]
            if params["starting_after"] in ids:
                events = events[ids.index(params["starting_after"]) + 1 :]
        limit = min(int(params.get("limit") or 10), 100)
        return list_object(events[:limit], url, has_more=len(events) > limit)

    # ---- customers ------------------------------------------------------------------------
    def create_customer(self, data: AccountData, params: dict, livemode: bool) -> dict:
        customer = build(
            "customer",
            id=new_id("customer"),
            created=self.now(),
            email=params.get("email"),
            name=params.get("name"),
            phone=params.get("phone"),
            description=params.get("description"),
            metadata=params.get("metadata") or {},
            balance=0,
            delinquent=False,
            invoice_prefix=secrets.token_hex(4).upper(),
            next_invoice_sequence=1,
            preferred_locales=self.locales(params.get("preferred_locales")),
            tax_exempt="none",
            invoice_settings={
                "custom_fields": None,
                "default_payment_method": None,
                "footer": None,
                "rendering_options": None,
            },
        )
        self.store(data, customer, livemode)
        self.emit(data.account["id"], "customer.created", customer)
        return customer

    @staticmethod
    def locales(value) -> list[str]:
        """A customer's ``preferred_locales``: a list of tags; an empty value clears it."""
        if value in (None, ""):
            return []
        if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
            raise StripeError(400, "Invalid array", param="preferred_locales")
        return [tag for tag in value if tag]

    # ---- invoices -------------------------------------------------------------------------
    def create_invoice(self, data: AccountData, params: dict, livemode: bool) -> dict:
        customer = self.get(data, "customer", params.get("customer") or "", "cus_")
        method = params.get("collection_method", "charge_automatically")
        if method not in ("charge_automatically", "send_invoice"):
            raise StripeError(400, "Invalid collection_method", param="collection_method")
        due_date = _int(params.get("due_date"), "due_date")
        if method == "send_invoice" and not due_date and not params.get("days_until_due"):
            raise StripeError(
                400,
                "Missing required param: due_date or days_until_due.",
                code="parameter_missing",
                param="due_date",
            )
        if params.get("days_until_due"):
            due_date = self.now() + 86400 * _int(params["days_until_due"], "days_until_due")
        number = self.check_number(data, params.get("number"), None)
        invoice = build(
            "invoice",
            id=new_id("invoice"),
            account_country=data.account.get("country"),
            account_name=data.account["business_profile"].get("name"),
            amount_due=0,
            amount_paid=0,
            amount_remaining=0,
            amount_overpaid=0,
            amount_shipping=0,
            attempt_count=0,
            attempted=False,
            auto_advance=_bool(params.get("auto_advance", False)),
            billing_reason="manual",
            collection_method=method,
            created=self.now(),
            currency=(params.get("currency") or "usd").lower(),
            customer=customer["id"],
            customer_email=customer["email"],
            customer_name=customer["name"],
            description=params.get("description"),
            due_date=due_date,
            metadata=params.get("metadata") or {},
            lines=list_object([], "/v1/invoices/pending/lines"),
            number=number,
            status="draft",
            status_transitions={
                "finalized_at": None,
                "marked_uncollectible_at": None,
                "paid_at": None,
                "voided_at": None,
            },
            subtotal=0,
            subtotal_excluding_tax=0,
            total=0,
            total_excluding_tax=0,
            starting_balance=0,
            issuer={"type": "self"},
            payment_settings={
                "default_mandate": None,
                "payment_method_options": None,
                "payment_method_types": None,
            },
        )
        invoice["lines"]["url"] = f"/v1/invoices/{invoice['id']}/lines"
        self.store(data, invoice, livemode)
        self.emit(data.account["id"], "invoice.created", invoice)
        return invoice

    def create_invoice_item(self, data: AccountData, params: dict, livemode: bool) -> dict:
        customer = self.get(data, "customer", params.get("customer") or "", "cus_")
        amount = _int(params.get("amount"), "amount")
        if amount is None:
            raise StripeError(
                400, "Missing required param: amount.", code="parameter_missing", param="amount"
            )
        currency = (params.get("currency") or "").lower()
        if len(currency) != 3:
            raise StripeError(400, "Missing required param: currency.", param="currency")
        invoice = None
        if params.get("invoice"):
            invoice = self.get(data, "invoice", params["invoice"], "in_")
            if invoice["status"] != "draft":
                raise StripeError(
                    400, "You can only add invoice items to draft invoices.", param="invoice"
                )
            if invoice["customer"] != customer["id"]:
                raise StripeError(400, "The invoice belongs to another customer.", param="invoice")
            if invoice["currency"] != currency:
                raise StripeError(
                    400,
                    f"The currency {currency} does not match the invoice's "
                    f"currency {invoice['currency']}.",
                    param="currency",
                )
        item = build(
            "invoiceitem",
            id=new_id("invoiceitem"),
            amount=amount,
            currency=currency,
            customer=customer["id"],
            date=self.now(),
            description=params.get("description"),
            discountable=True,
            invoice=invoice["id"] if invoice else None,
            metadata=params.get("metadata") or {},
            quantity=1,
            proration=False,
            period={"start": self.now(), "end": self.now()},
        )
        self.store(data, item, livemode)
        if invoice:
            line = build(
                "line_item",
                id=new_id("line_item"),
                amount=amount,
                currency=currency,
                description=item["description"],
                invoice=invoice["id"],
                livemode=livemode,
                metadata=item["metadata"],
                quantity=1,
                period=item["period"],
                parent={
                    "type": "invoice_item_details",
                    "invoice_item_details": {"invoice_item": item["id"]},
                },
            )
            invoice["lines"]["data"].append(line)
            total = sum(line["amount"] for line in invoice["lines"]["data"])
            invoice.update(
                amount_due=total,
                amount_remaining=total,
                subtotal=total,
                subtotal_excluding_tax=total,
                total=total,
                total_excluding_tax=total,
            )
        self.save()
        return item

    def check_number(self, data: AccountData, number, invoice_id: str | None) -> str | None:
        """A number given on create or on a draft's update: at most 26 characters, and unique
        among the account's invoices (a deleted draft frees its number)."""
        if number in (None, ""):
            return None
        number = str(number)
        if len(number) > MAX_INVOICE_NUMBER:
            raise StripeError(
                400,
                f"Invalid string: {number}; must be at most {MAX_INVOICE_NUMBER} characters",
                param="number",
            )
        for other in data.objects.values():
            if (
                other.get("object") == "invoice"
                and not other.get("deleted")
                and other["id"] != invoice_id
                and other.get("number") == number
            ):
                raise StripeError(
                    400,
                    f"Invoice number {number} is already used by another invoice on this "
                    "account. Invoice numbers must be unique.",
                    param="number",
                )
        return number

    def finalize_invoice(self, data: AccountData, invoice_id: str) -> dict:
        invoice = self.get(data, "invoice", invoice_id, "in_")
        if invoice["status"] != "draft":
            raise StripeError(
                400,
                "This invoice is already finalized, you can't re-finalize a non-draft invoice.",
                code="invoice_not_editable",
            )
        if not invoice.get("number"):  # Stripe numbers it only when no number was given
            customer = data.objects[invoice["customer"]]
            sequence = customer["next_invoice_sequence"]
            invoice["number"] = f"{customer['invoice_prefix']}-{sequence:04d}"
            customer["next_invoice_sequence"] += 1
        # Like the customer's details, its languages are the invoice's from now on: the hosted
        # page speaks the first one it can (pages.py).
        customer = data.objects.get(invoice["customer"]) or {}
        invoice["_customer_locales"] = list(customer.get("preferred_locales") or [])
        invoice["status"] = "open"
        invoice["status_transitions"]["finalized_at"] = self.now()
        invoice["effective_at"] = self.now()
        invoice["hosted_invoice_url"] = self._hosted_url(invoice)
        invoice["invoice_pdf"] = f"{self.public_url}/i/{data.account['id']}/{invoice['id']}/pdf"
        if invoice["amount_due"] == 0:
            return self._mark_paid(data, invoice, None)
        self.emit(data.account["id"], "invoice.finalized", invoice)
        return invoice

    def refresh_hosted_url(self, data: AccountData, invoice: dict) -> dict:
        """The hosted URL stops working 30 days after the due date; reading gives a fresh one."""
        url = invoice.get("hosted_invoice_url")
        if url and self._hosted_token_expiry(url) < self.now():
            invoice["hosted_invoice_url"] = self._hosted_url(invoice)
            self.save()
        return invoice

    def _hosted_url(self, invoice: dict) -> str:
        base = max(invoice.get("due_date") or 0, self.now())
        expires = base + HOSTED_URL_DAYS_AFTER_DUE * 86400
        account = next(k for k, d in self.accounts.items() if invoice["id"] in d.objects)
        return f"{self.public_url}/i/{account}/{invoice['id']}?s={expires}.{secrets.token_hex(8)}"

    @staticmethod
    def _hosted_token_expiry(url: str) -> int:
        try:
            return int(url.rsplit("?s=", 1)[1].split(".", 1)[0])
        except (IndexError, ValueError):
            return 0

    def hosted_link_valid(self, invoice: dict, token: str) -> bool:
        url = invoice.get("hosted_invoice_url") or ""
        return (
            bool(token)
            and url.endswith(f"?s={token}")
            and (self._hosted_token_expiry(url) >= self.now())
        )

    def send_invoice(self, data: AccountData, invoice_id: str) -> dict:
        invoice = self.get(data, "invoice", invoice_id, "in_")
        if invoice["collection_method"] != "send_invoice":
            raise StripeError(
                400,
                "You can only manually send an invoice if its collection method is 'send_invoice'.",
                param="collection_method",
            )
        if invoice["status"] == "draft":
            invoice = self.finalize_invoice(data, invoice_id)
        if invoice["status"] != "open":
            raise StripeError(400, "You can only send open invoices.", code="invoice_not_open")
        self.emit(data.account["id"], "invoice.sent", invoice)
        return invoice

    def void_invoice(self, data: AccountData, invoice_id: str) -> dict:
        invoice = self.get(data, "invoice", invoice_id, "in_")
        if invoice["status"] not in ("open", "uncollectible"):
            raise StripeError(
                400,
                "You can only pass in open or uncollectible invoices. This "
                f"invoice is {invoice['status']}.",
                code="invoice_not_open",
            )
        previous = {"status": invoice["status"]}
        invoice["status"] = "void"
        invoice["status_transitions"]["voided_at"] = self.now()
        self.emit(data.account["id"], "invoice.voided", invoice, previous)
        return invoice

    def delete_invoice(self, data: AccountData, invoice_id: str) -> dict:
        invoice = self.get(data, "invoice", invoice_id, "in_")
        if invoice["status"] != "draft":
            raise StripeError(
                400, "You can only delete draft invoices.", code="invoice_not_editable"
            )
        invoice["deleted"] = True
        self.emit(data.account["id"], "invoice.deleted", invoice)
        return build("deleted_invoice", id=invoice_id, deleted=True)

    def pay_invoice(self, account_id: str, invoice_id: str, card: str) -> dict:
        """A person paid on the hosted invoice page; returns the payment intent."""
        with self.lock:
            data = self.accounts[account_id]
            invoice = self.get(data, "invoice", invoice_id, "in_")
            if invoice["status"] != "open":
                raise StripeError(400, "This invoice cannot be paid.", code="invoice_not_open")
            intent = self._payment_intent(
                data,
                invoice["amount_remaining"],
                invoice["currency"],
                invoice["customer"],
                f"Invoice {invoice['number']}",
                {},
                card,
            )
            payment = build(
                "invoice_payment",
                id=new_id("invoice_payment"),
                amount_paid=None,
                amount_requested=invoice["amount_remaining"],
                created=self.now(),
                currency=invoice["currency"],
                invoice=invoice["id"],
                is_default=True,
                livemode=invoice["livemode"],
                status="open",
                payment={"type": "payment_intent", "payment_intent": intent["id"]},
                status_transitions={"canceled_at": None, "paid_at": None},
            )
            data.objects[payment["id"]] = payment
            invoice["attempt_count"] += 1
            invoice["attempted"] = True
            if intent["status"] != "succeeded":
                self.emit(account_id, "payment_intent.payment_failed", intent)
                self.emit(account_id, "invoice.payment_failed", invoice)
                return intent
            payment.update(status="paid", amount_paid=intent["amount"])
            payment["status_transitions"]["paid_at"] = self.now()
            self.emit(account_id, "payment_intent.succeeded", intent)
            self.emit(account_id, "invoice_payment.paid", payment)
            self._mark_paid(data, invoice, intent)
            return intent

    def _mark_paid(self, data: AccountData, invoice: dict, intent: dict | None) -> dict:
        previous = {"status": invoice["status"], "amount_paid": invoice["amount_paid"]}
        paid = invoice["amount_paid"] + (intent["amount"] if intent else 0)
        invoice.update(
            status="paid", amount_paid=paid, amount_remaining=max(invoice["amount_due"] - paid, 0)
        )
        invoice["status_transitions"]["paid_at"] = self.now()
        self.emit(data.account["id"], "invoice.payment_succeeded", invoice, previous)
        self.emit(data.account["id"], "invoice.paid", invoice, previous)
        return invoice

    def _payment_intent(self, data, amount, currency, customer, description, metadata, card):
        number = "".join(ch for ch in card if ch.isdigit())
        intent = build(
            "payment_intent",
            id=new_id("payment_intent"),
            amount=amount,
            amount_capturable=0,
            amount_received=0,
            capture_method="automatic",
            confirmation_method="automatic",
            created=self.now(),
            currency=currency,
            customer=customer,
            description=description,
            metadata=metadata or {},
            payment_method_types=["card"],
            status="requires_payment_method",
        )
        intent["client_secret"] = f"{intent['id']}_secret_{secrets.token_hex(8)}"
        self.store(data, intent, bool(data.account.get("_livemode")))
        if number == SUCCESS_CARD:
            charge = build(
                "charge",
                id=new_id("charge"),
                amount=amount,
                amount_captured=amount,
                captured=True,
                created=self.now(),
                currency=currency,
                customer=customer,
                paid=True,
                payment_intent=intent["id"],
                status="succeeded",
                description=description,
                payment_method_details={
                    "type": "card",
                    "card": {"brand": "visa", "last4": number[-4:]},
                },
                outcome={"type": "authorized", "seller_message": "Payment complete."},
            )
            self.store(data, charge, bool(data.account.get("_livemode")))
            intent.update(status="succeeded", amount_received=amount, latest_charge=charge["id"])
        elif number == DECLINE_CARD:
            intent["last_payment_error"] = {
                "type": "card_error",
                "code": "card_declined",
                "decline_code": "generic_decline",
                "message": "Your card was declined.",
            }
        else:
            intent["last_payment_error"] = {
                "type": "card_error",
                "code": "incorrect_number",
                "message": "Your card number is incorrect.",
            }
        return intent

    # ---- checkout -------------------------------------------------------------------------
    def create_checkout_session(self, data: AccountData, params: dict, livemode: bool) -> dict:
        if params.get("mode", "payment") != "payment":
            raise StripeError(400, "The emulator supports mode=payment only.", param="mode")
        success_url = params.get("success_url") or ""
        if not success_url.startswith(("http://", "https://")):
            raise StripeError(400, "Not a valid URL", param="success_url")
        items = params.get("line_items") or []
        if not items:
            raise StripeError(400, "Missing required param: line_items.", param="line_items")
        currency = None
        total = 0
        for index, item in enumerate(items):
            price = item.get("price_data") or {}
            amount = _int(price.get("unit_amount"), f"line_items[{index}][price_data][unit_amount]")
            if amount is None or amount < 1:
                raise StripeError(
                    400,
                    "unit_amount must be a positive integer",
                    param=f"line_items[{index}][price_data][unit_amount]",
                )
            currency = (price.get("currency") or "").lower()
            total += amount * (_int(item.get("quantity"), "quantity") or 1)
        expires_at = _int(params.get("expires_at"), "expires_at") or (
            self.now() + CHECKOUT_DEFAULT_TTL
        )
        if not 1800 <= expires_at - self.now() <= CHECKOUT_DEFAULT_TTL:
            raise StripeError(
                400,
                "expires_at must be between 30 minutes and 24 hours from now.",
                param="expires_at",
            )
        locale = params.get("locale") or None
        if locale is not None and locale not in CHECKOUT_LOCALES:
            raise StripeError(
                400,
                f"Invalid locale: must be one of {', '.join(CHECKOUT_LOCALES[:-1])}, "
                f"or {CHECKOUT_LOCALES[-1]}",
                param="locale",
            )
        session_id = new_id("checkout.session", livemode)
        session = build(
            "checkout.session",
            id=session_id,
            amount_subtotal=total,
            amount_total=total,
            cancel_url=params.get("cancel_url"),
            success_url=success_url,
            client_reference_id=params.get("client_reference_id"),
            created=self.now(),
            currency=currency,
            customer=params.get("customer"),
            customer_email=params.get("customer_email"),
            expires_at=expires_at,
            locale=locale,
            metadata=params.get("metadata") or {},
            mode="payment",
            payment_method_types=["card"],
            payment_status="unpaid",
            status="open",
            url=f"{self.public_url}/c/pay/{session_id}",
        )
        session["_payment_intent_metadata"] = (params.get("payment_intent_data") or {}).get(
            "metadata"
        ) or {}
        product = items[0].get("price_data", {}).get("product_data", {})
        session["_description"] = product.get("name")
        session["_product_description"] = product.get("description") or ""
        self.store(data, session, livemode)
        return session

    def expire_session(self, data: AccountData, session_id: str) -> dict:
        session = self.get(data, "checkout session", session_id, "cs_")
        if session["status"] != "open":
            raise StripeError(
                400,
                f"Only Checkout Sessions with a status of 'open' can be "
                f"expired. This session has status '{session['status']}'.",
            )
        session.update(status="expired", url=None)
        self.emit(data.account["id"], "checkout.session.expired", session)
        return session

    def pay_session(self, account_id: str, session_id: str, card: str) -> dict:
        with self.lock:
            self.sweep()
            data = self.accounts[account_id]
            session = self.get(data, "checkout session", session_id, "cs_")
            if session["status"] != "open":
                raise StripeError(400, "This Checkout Session is no longer active.")
            intent = self._payment_intent(
                data,
                session["amount_total"],
                session["currency"],
                session["customer"],
                session["_description"],
                session["_payment_intent_metadata"],
                card,
            )
            session["payment_intent"] = intent["id"]
            if intent["status"] != "succeeded":
                self.emit(account_id, "payment_intent.payment_failed", intent)
                return intent
            session.update(status="complete", payment_status="paid")
            self.emit(account_id, "payment_intent.succeeded", intent)
            self.emit(account_id, "checkout.session.completed", session)
            return intent

    def sweep(self) -> None:
        """Expire checkout sessions whose time has come, as Stripe does on its own."""
        with self.lock:
            for data in self.accounts.values():
                for obj in list(data.objects.values()):
                    if (
                        obj.get("object") == "checkout.session"
                        and obj["status"] == "open"
                        and obj["expires_at"] <= self.now()
                    ):
                        self.expire_session(data, obj["id"])

    def refund(self, data: AccountData, params: dict, livemode: bool) -> dict:
        intent = self.get(data, "payment_intent", params.get("payment_intent") or "", "pi_")
        charge = data.objects.get(intent.get("latest_charge") or "")
        if intent["status"] != "succeeded" or charge is None:
            raise StripeError(
                400,
                "This PaymentIntent has no successful charge to refund.",
                param="payment_intent",
            )
        left = charge["amount"] - (charge.get("amount_refunded") or 0)
        amount = _int(params.get("amount"), "amount") or left
        if not 0 < amount <= left:
            raise StripeError(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                param="amount",
            )
        refund = build(
            "refund",
            id=new_id("refund"),
            amount=amount,
            charge=charge["id"],
            created=self.now(),
            currency=charge["currency"],
            payment_intent=intent["id"],
            status="succeeded",
            metadata=params.get("metadata") or {},
        )
        self.store(data, refund, livemode)
        charge["amount_refunded"] = (charge.get("amount_refunded") or 0) + amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        self.emit(data.account["id"], "charge.refunded", charge)
        return refund

    def invoice_payments(self, data: AccountData, invoice_id: str, url: str) -> dict:
        payments = [
            o
            for o in data.objects.values()
            if o.get("object") == "invoice_payment" and o["invoice"] == invoice_id
        ]
        return list_object(sorted(payments, key=lambda p: p["created"], reverse=True), url)


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
