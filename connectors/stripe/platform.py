"""One tenant's connected Stripe account, driven through the official SDK.

Every call runs on the connected account (``stripe_account``) with our platform key. Every
POST carries an idempotency key derived from our own rows, never a random one, so a retry by
the SDK, a crashed worker or a double click never creates a second invoice or charge.
"""

from __future__ import annotations

import contextlib
import hashlib
from datetime import UTC, date, datetime, timedelta

from django.utils import translation
from django.utils.translation import gettext as _

from billing_saas.money_format import format_money
from connectors.base import (
    Capability,
    ClientRef,
    InvoiceRequest,
    PaymentLink,
    PaymentPlatform,
    PlatformError,
    RemoteInvoice,
    RemoteStatus,
)
from connectors.money import minor_units
from connectors.stripe.app import StripeApp
from connectors.stripe.auto_charge import StripeAutoCharge
from connectors.stripe.client import plain_api, translated_errors
from connectors.stripe.events import INVOICE_STATUSES, StripeEvents, _money, _when
from connectors.stripe.lines import line_taxes, pricing, tax_rate_ids
from connectors.stripe.saved_methods import StripeSavedMethods
from connectors.stripe.subscriptions import StripeSubscriptions

CHECKOUT_TTL = timedelta(hours=24)


def due_timestamp(due: date) -> int:
    """Stripe wants a moment; we bill by day. Noon UTC keeps the same date in every zone
    from UTC-11 to UTC+11, so the client sees the due date the provider chose."""
    return int(datetime(due.year, due.month, due.day, 12, tzinfo=UTC).timestamp())


def _short_hash(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def _in_language(language: str):
    """Our own words the client reads on Stripe's pages, in the client's language."""
    return translation.override(language) if language else contextlib.nullcontext()


# Stripe's API explains a failed payment in English; the reasons people meet most, in the
# reader's language (the worker writes in the account's). Others keep Stripe's own words.
def _another_total(remote: int, expected: int, currency: str) -> PlatformError:
    """Stripe's total is not billing's (which the client was told): nothing is sent."""
    amounts = {
        "remote": format_money(_money(remote, currency).amount, currency.upper()),
        "ours": format_money(_money(expected, currency).amount, currency.upper()),
    }
    return PlatformError(
        _("Stripe computed another total (%(remote)s) than ours (%(ours)s); nothing was sent.")
        % amounts,
        code="amount_mismatch",
        platform="stripe",
    )


class StripePlatform(
    StripeEvents, StripeAutoCharge, StripeSavedMethods, StripeSubscriptions, PaymentPlatform
):
    name = "stripe"

    def __init__(self, connection):
        self.connection = connection
        self.mode = connection.mode
        self.account_id = connection.remote_account_id

    # ---- plumbing ---------------------------------------------------------------------------
    @property
    def api(self):
        return plain_api(self.mode)

    def _options(self, idempotency_key: str | None = None) -> dict:
        options = {"stripe_account": self.account_id}
        if idempotency_key:
            options["idempotency_key"] = idempotency_key[:255]
        return options

    # ---- connection -------------------------------------------------------------------------
    def disconnect(self) -> None:
        StripeApp().deauthorize(self.mode, self.account_id)

    # ---- customers --------------------------------------------------------------------------
    def ensure_customer(self, client: ClientRef) -> str:
        """The client's Stripe customer, created if need be. Its ``preferred_locales`` follow
        the client's language: Stripe writes its invoice pages and emails in it."""
        locales = [client.language] if client.language else None
        with translated_errors():
            if client.remote_id:
                try:
                    customer = self.api.customers.retrieve(client.remote_id, {}, self._options())
                    if not customer.get("deleted"):
                        if locales and customer.get("preferred_locales") != locales:
                            # No idempotency key of ours: setting a value twice is harmless,
                            # and a key per value would replay a stale answer after fr, en, fr.
                            self.api.customers.update(
                                customer["id"], {"preferred_locales": locales}, self._options()
                            )
                        return customer["id"]
                except Exception as error:  # noqa: BLE001 - a vanished customer is re-created
                    if getattr(error, "http_status", None) != 404:
                        raise
            key = f"customer:{client.local_id}:{_short_hash(client.name, client.email)}"
            if client.language:  # another language is another request (same key: refused)
                key += f":{client.language}"
            customer = self.api.customers.create(
                {
                    "name": client.name,
                    "email": client.email,
                    "metadata": {"client_id": str(client.local_id)},
                    **({"preferred_locales": locales} if locales else {}),
                },
                self._options(self._key(key)),
            )
        return customer["id"]

    def _key(self, suffix: str) -> str:
        return f"{self.connection.pk}:{suffix}"

    # ---- invoices ---------------------------------------------------------------------------
    def create_and_send_invoice(self, request: InvoiceRequest) -> RemoteInvoice:
        currency = request.total.currency.lower()
        # Its credit notes are negative items: Stripe's total is what is left to pay.
        amount = minor_units(request.amount_due.amount, request.total.currency)
        if amount <= 0:
            raise PlatformError(
                _("The amount must be greater than zero."), code="amount", platform="stripe"
            )
        customer_id = self.ensure_customer(request.client)
        key = request.idempotency_key
        footer = ""
        if request.attachment_links:
            with _in_language(request.client.language):
                footer = _("Attachments: %(links)s") % {"links": " ".join(request.attachment_links)}
        metadata = {
            **request.metadata,
            "request_id": str(request.local_id),
            "number": request.number,
            "send_key": key,
        }
        with translated_errors():
            self._discard_earlier_drafts(request)
            invoice = self.api.invoices.create(
                {
                    "customer": customer_id,
                    "collection_method": "send_invoice",
                    "due_date": due_timestamp(request.due_date),
                    # Left on, Stripe would finalise (and may email) on its own an hour later.
                    "auto_advance": False,
                    "currency": currency,
                    "description": request.description,
                    "pending_invoice_items_behavior": "exclude",
                    "metadata": metadata,
                    # Our number, not Stripe's: the client sees one number everywhere.
                    **({"number": request.number} if request.number else {}),
                    **({"footer": footer[:5000]} if footer else {}),
                },
                self._options(f"{key}:invoice"),
            )
            self._add_items(request, invoice["id"], customer_id)
            draft = self.api.invoices.retrieve(invoice["id"], {}, self._options())
            self._refuse_another_total(draft, amount)
            invoice = self.api.invoices.finalize_invoice(
                invoice["id"], {"auto_advance": False}, self._options(f"{key}:finalize")
            )
            self._refuse_another_total(invoice, amount)
        return self._remote_invoice(invoice)

    def _add_items(self, request: InvoiceRequest, invoice_id: str, customer_id: str) -> None:
        """One invoice item per line, with its tax rates (``lines.py`` says how a line is
        priced); each item's key is the request's and the line's place in it."""
        currency = request.total.currency.lower()
        lines = request.billed_lines
        rate_ids = tax_rate_ids(self, lines)
        for index, line in enumerate(lines):
            with _in_language(request.client.language):
                priced = pricing(line)
            if priced.quantity == 1:
                price = {"amount": priced.unit_amount}
            else:
                price = {"quantity": priced.quantity, "unit_amount_decimal": priced.unit_amount}
            metadata = {"request_id": str(request.local_id)}
            if line.reference:
                metadata["reference"] = line.reference
            self.api.invoice_items.create(
                {
                    "customer": customer_id,
                    "invoice": invoice_id,
                    "currency": currency,
                    "description": priced.description,
                    **price,
                    **({"tax_rates": line_taxes(line, rate_ids)} if line.taxes else {}),
                    "metadata": metadata,
                },
                self._options(f"{request.idempotency_key}:item:{index}"),
            )
        for index, credit in enumerate(request.credits):
            # Stripe takes negative invoice items (no tax: a credit is taken off the total).
            self.api.invoice_items.create(
                {
                    "customer": customer_id,
                    "invoice": invoice_id,
                    "currency": currency,
                    "description": credit.description,
                    "amount": -minor_units(credit.amount.amount, credit.amount.currency),
                    "metadata": {"request_id": str(request.local_id), "credit": credit.reference},
                },
                self._options(f"{request.idempotency_key}:credit:{index}"),
            )

    def _refuse_another_total(self, invoice, expected: int) -> None:
        """Billing's total is the one the client was told; a Stripe invoice that comes to
        another (its own tax rounding, a line lost) is removed, never left open to pay."""
        if invoice["total"] == expected:
            return
        if invoice["status"] == "draft":
            self.api.invoices.delete(invoice["id"], {}, self._options())
        elif invoice["status"] == "open":
            self.api.invoices.void_invoice(invoice["id"], {}, self._options())
        raise _another_total(invoice["total"], expected, invoice["currency"])

    def _discard_earlier_drafts(self, request: InvoiceRequest) -> None:
        """Delete the drafts an earlier, refused attempt at this request left behind: they hold
        its number, which Stripe keeps unique, and the client never saw them. The current
        attempt's own draft (same key: a crashed worker sending again) is kept and reused."""
        drafts = self.api.invoices.list({"status": "draft", "limit": 100}, self._options())
        for draft in drafts["data"]:
            metadata = draft.get("metadata") or {}
            if metadata.get("request_id") == str(request.local_id) and (
                metadata.get("send_key") != request.idempotency_key
            ):
                self.api.invoices.delete(draft["id"], {}, self._options())

    def _remote_invoice(self, invoice) -> RemoteInvoice:
        currency = invoice["currency"]
        due = invoice.get("due_date")
        return RemoteInvoice(
            remote_id=invoice["id"],
            status=INVOICE_STATUSES.get(invoice["status"], RemoteStatus.OPEN),
            amount_due=_money(invoice["amount_due"], currency),
            amount_paid=_money(invoice["amount_paid"], currency),
            pay_url=invoice.get("hosted_invoice_url") or "",
            pay_url_expires_at=_when(due) + timedelta(days=30) if due else None,
        )

    def fetch_invoice(self, remote_invoice_id: str) -> RemoteInvoice:
        with translated_errors():
            invoice = self.api.invoices.retrieve(remote_invoice_id, {}, self._options())
        return self._remote_invoice(invoice)

    def pay_url(self, remote_invoice_id: str) -> str:
        return self.fetch_invoice(remote_invoice_id).pay_url

    def void(self, remote_invoice_id: str) -> RemoteInvoice:
        with translated_errors():
            invoice = self.api.invoices.retrieve(remote_invoice_id, {}, self._options())
            if invoice["status"] == "draft":
                self.api.invoices.delete(remote_invoice_id, {}, self._options())
                return RemoteInvoice(
                    remote_id=remote_invoice_id,
                    status=RemoteStatus.VOID,
                    amount_due=_money(invoice["amount_due"], invoice["currency"]),
                    amount_paid=_money(0, invoice["currency"]),
                )
            if invoice["status"] == "paid":
                raise PlatformError(
                    _("This invoice is already paid and cannot be canceled; refund it instead."),
                    code="already_paid",
                    platform="stripe",
                )
            if invoice["status"] == "void":
                return self._remote_invoice(invoice)
            invoice = self.api.invoices.void_invoice(
                remote_invoice_id, {}, self._options(f"void:{remote_invoice_id}")
            )
        return self._remote_invoice(invoice)

    def payable_after_local_delete(self, remote_invoice_id: str) -> bool:
        return self.fetch_invoice(remote_invoice_id).status in (
            RemoteStatus.OPEN, RemoteStatus.PARTIALLY_PAID)  # fmt: skip

    # ---- one-off payment links (Checkout) ---------------------------------------------------
    def create_payment_link(self, request: InvoiceRequest, success_url: str, cancel_url: str,
                            expires_at: datetime | None = None) -> PaymentLink:  # fmt: skip
        customer_id = self.ensure_customer(request.client)
        # Unless asked for, no expiry of ours: Stripe's default is CHECKOUT_TTL. One computed
        # from the clock here would differ on a retry under the same idempotency key (a worker
        # that died after Stripe answered), which Stripe refuses as a conflicting retry.
        expiry = {"expires_at": int(expires_at.timestamp())} if expires_at else {}
        metadata = {**request.metadata, "request_id": str(request.local_id)}
        if request.number:
            metadata["number"] = request.number
        with translated_errors():
            line_items = self._checkout_lines(request)
            session = self.api.checkout.sessions.create(
                {
                    "mode": "payment",
                    "customer": customer_id,
                    "client_reference_id": str(request.local_id),
                    "line_items": line_items,
                    "success_url": success_url,
                    "cancel_url": cancel_url,
                    **expiry,
                    "metadata": metadata,
                    "payment_intent_data": {"metadata": metadata},
                    # Checkout's own words, amounts and dates in the client's language.
                    **({"locale": request.client.language} if request.client.language else {}),
                },
                self._options(f"{request.idempotency_key}:checkout"),
            )
            expected = minor_units(request.amount_due.amount, request.total.currency)
            if session["amount_total"] != expected:
                self.api.checkout.sessions.expire(session["id"], {}, self._options())
                raise _another_total(session["amount_total"], expected, session["currency"])
        return PaymentLink(
            remote_id=session["id"], url=session["url"], expires_at=_when(session["expires_at"])
        )

    def _checkout_lines(self, request: InvoiceRequest) -> list[dict]:
        """Checkout's ``line_items``: one per line, priced as invoice items are, each with
        its tax rates. A session has no invoice number of its own: Checkout shows ours under
        the first line's name."""
        currency = request.total.currency.lower()
        if request.credits:
            return [self._credited_checkout_line(request)]
        lines = request.billed_lines
        rate_ids = tax_rate_ids(self, lines)
        items = []
        with _in_language(request.client.language):  # the client reads it on Checkout
            for index, line in enumerate(lines):
                priced = pricing(line)
                product = {"name": priced.description}
                if index == 0 and request.number:
                    product["description"] = _("Invoice %(number)s") % {"number": request.number}
                items.append(
                    {
                        "quantity": priced.quantity,
                        "price_data": {
                            "currency": currency,
                            "unit_amount": priced.unit_amount,
                            "product_data": product,
                        },
                        **({"tax_rates": line_taxes(line, rate_ids)} if line.taxes else {}),
                    }
                )
        return items

    def _credited_checkout_line(self, request: InvoiceRequest) -> dict:
        """Checkout has no negative line: a document with credit applied is one line of what
        is left to pay, whose words say the total and the credit notes taken off it."""
        total, due = request.total, request.amount_due
        with _in_language(request.client.language):
            name = _("Invoice %(number)s") % {"number": request.number}
            text = _("%(total)s less credit %(credits)s") % {
                "total": format_money(total.amount, total.currency),
                "credits": ", ".join(
                    f"{line.reference} ({format_money(line.amount.amount, total.currency)})"
                    for line in request.credits
                ),
            }
        return {
            "quantity": 1,
            "price_data": {
                "currency": total.currency.lower(),
                "unit_amount": minor_units(due.amount, due.currency),
                "product_data": {"name": name, "description": text},
            },
        }

    def fetch_payment_link(self, remote_id: str) -> RemoteInvoice:
        with translated_errors():
            session = self.api.checkout.sessions.retrieve(remote_id, {}, self._options())
        return self._remote_session(session)

    def _remote_session(self, session) -> RemoteInvoice:
        status = {"open": RemoteStatus.OPEN, "expired": RemoteStatus.EXPIRED}.get(
            session["status"], RemoteStatus.OPEN
        )
        if session["status"] == "complete" and session.get("payment_status") == "paid":
            status = RemoteStatus.PAID
        currency = session["currency"]
        total = session.get("amount_total") or 0
        return RemoteInvoice(
            remote_id=session["id"],
            status=status,
            amount_due=_money(total, currency),
            amount_paid=_money(total if status == RemoteStatus.PAID else 0, currency),
            pay_url=session.get("url") or "",
            pay_url_expires_at=_when(session["expires_at"]),
        )

    def expire_payment_link(self, remote_id: str) -> RemoteInvoice:
        with translated_errors():
            session = self.api.checkout.sessions.retrieve(remote_id, {}, self._options())
            if session["status"] == "open":
                session = self.api.checkout.sessions.expire(remote_id, {}, self._options())
        return self._remote_session(session)

    # ---- events -----------------------------------------------------------------------------
    capabilities = frozenset(
        {Capability.PAYMENT_LINKS, Capability.REFUNDS, Capability.LINES_WITH_TAXES,
         Capability.AUTO_CHARGE, Capability.SAVED_METHODS, Capability.SUBSCRIPTIONS}
    )  # fmt: skip

    def check_ready(self) -> None:
        ready, _name = StripeApp().account_ready(self.mode, self.account_id)
        if not ready:
            raise PlatformError(
                _(
                    "Stripe has not finished activating this account: "
                    "finish its onboarding, then retry."
                ),
                code="not_activated",
                platform="stripe",
            )
