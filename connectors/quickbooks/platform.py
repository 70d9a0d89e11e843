"""One tenant's QuickBooks Online company, through python-quickbooks.

Writes carry Intuit's ``requestid`` derived from our rows, so retries are idempotent. Updates
carry the current SyncToken; a stale one is re-read and retried once, never overwritten
blindly.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from quickbooks import exceptions as qbo_errors
from requests import RequestException

from billing_saas.money_format import format_money
from connectors.base import (
    Capability,
    ClientRef,
    EventKind,
    InboundPayload,
    InvoiceRequest,
    Money,
    PaymentInfo,
    PaymentLink,
    PaymentPlatform,
    PlatformError,
    RemoteInvoice,
    RemoteStatus,
    WebhookEvent,
)
from connectors.quickbooks import client as qbo
from connectors.quickbooks.lines import invoice_lines
from connectors.quickbooks.refunds import refund_event
from connectors.quickbooks.tax_codes import TaxCodes

log = logging.getLogger(__name__)

MAX_DOC_NUMBER = 21  # Intuit's limit for an invoice's DocNumber


def _money(value, currency: str) -> Money:
    return Money(Decimal(str(value or 0)).quantize(Decimal("0.01")), currency)


def _error(error: Exception) -> PlatformError:
    if isinstance(error, PlatformError):
        return error
    message = getattr(error, "detail", "") or getattr(error, "message", "") or str(error)
    code = str(getattr(error, "error_code", "") or "")
    if isinstance(error, qbo_errors.AuthorizationException):
        return PlatformError(
            _("QuickBooks refused our access; reconnect QuickBooks."),
            code="authorization",
            platform="quickbooks",
        )
    return PlatformError(
        _("QuickBooks: %(message)s") % {"message": message}, code=code, platform="quickbooks"
    )


class QuickBooksPlatform(PaymentPlatform):
    name = "quickbooks"

    def __init__(self, connection):
        self.connection = connection
        self.realm = connection.remote_account_id

    def _call(self, work):
        try:
            return work(qbo.qb_client(self.connection))
        except (qbo_errors.QuickbooksException, PlatformError) as error:
            raise _error(error) from error

    def _request_id(self, key: str) -> str:
        return hashlib.sha256(f"{self.connection.pk}:{key}".encode()).hexdigest()[:36]

    # ---- connection ------------------------------------------------------------------------
    def disconnect(self) -> None:
        secrets = self.connection.secrets
        client = qbo.auth_client()
        try:
            client.revoke(token=secrets.get("refresh_token") or secrets.get("access_token"))
        except Exception:  # noqa: BLE001 - already revoked on Intuit's side: goal reached
            pass

    # ---- customers -------------------------------------------------------------------------
    def ensure_customer(self, client: ClientRef) -> str:
        if client.remote_id:
            try:
                found = self._call(lambda qb: qb.get_single_object("Customer", client.remote_id))
                if found.get("Customer", {}).get("Active", True):
                    return client.remote_id
            except PlatformError:
                pass
        body = {
            "DisplayName": f"{client.name} ({client.local_id})"[:100],
            "PrimaryEmailAddr": {"Address": client.email},
        }
        result = self._call(
            lambda qb: qb.create_object(
                "Customer",
                json.dumps(body),
                request_id=self._request_id(f"customer:{client.local_id}:{client.email}"),
            )
        )
        return result["Customer"]["Id"]

    # ---- invoices ------------------------------------------------------------------------------
    def create_and_send_invoice(self, request: InvoiceRequest) -> RemoteInvoice:
        if len(request.number) > MAX_DOC_NUMBER:
            raise PlatformError(
                _(
                    "QuickBooks accepts invoice numbers of at most %(max)s characters; "
                    "%(number)s is longer."
                )
                % {"max": MAX_DOC_NUMBER, "number": request.number},
                code="doc_number",
                platform="quickbooks",
            )
        customer_id = self.ensure_customer(request.client)
        body = {
            "CustomerRef": {"value": customer_id},
            **self._call(lambda qb: invoice_lines(request, TaxCodes(qb))),
            "DueDate": request.due_date.isoformat(),
            "BillEmail": {"Address": request.client.email},
            "AllowOnlineCreditCardPayment": True,
            "AllowOnlineACHPayment": True,
            "CurrencyRef": {"value": request.total.currency},
            "CustomerMemo": {"value": request.description[:1000]},
            "PrivateNote": f"billing_saas request {request.local_id}",
        }
        if request.number:  # ours, so the client sees one number; QuickBooks numbers it otherwise
            body["DocNumber"] = request.number
        created = self._call(
            lambda qb: qb.create_object(
                "Invoice",
                json.dumps(body),
                request_id=self._request_id(request.idempotency_key),
                params={"include": "invoiceLink"},
            )
        )["Invoice"]
        self._refuse_another_total(created, request)
        self._call(
            lambda qb: qb.misc_operation(
                f"invoice/{created['Id']}/send?sendTo={request.client.email}",
                None,
                "application/octet-stream",
            )
        )
        return self._remote(created)

    def _refuse_another_total(self, created: dict, request: InvoiceRequest) -> None:
        """QuickBooks adds the invoice up itself: one that does not come to our total is
        deleted before anyone is sent it (a retry finds it deleted and refuses again)."""
        theirs = Decimal(str(created.get("TotalAmt", 0)))
        if theirs == request.amount_due.amount:  # its credit notes are lines taken off it
            return
        body = json.dumps({"Id": created["Id"], "SyncToken": created["SyncToken"]})
        try:
            self._call(lambda qb: qb.delete_object("Invoice", body))
        except PlatformError as error:
            if error.code != "610":  # already deleted (by the first of two attempts): fine
                log.warning("QuickBooks invoice %s not deleted: %s", created["Id"], error)
        currency = request.total.currency
        raise PlatformError(
            _(
                "QuickBooks added this invoice up to %(theirs)s instead of %(ours)s, so it was "
                "not sent. Check the lines' taxes and discounts."
            )
            % {
                "theirs": format_money(theirs, currency),
                "ours": format_money(request.amount_due.amount, currency),
            },
            code="total_mismatch",
            platform="quickbooks",
        )

    def _remote(self, invoice: dict) -> RemoteInvoice:
        currency = (invoice.get("CurrencyRef") or {}).get("value", "USD")
        total = Decimal(str(invoice.get("TotalAmt", 0)))
        balance = Decimal(str(invoice.get("Balance", 0)))
        if invoice.get("PrivateNote") == "Voided" or (total == 0 and balance == 0):
            status = RemoteStatus.VOID
        elif balance <= 0:
            status = RemoteStatus.PAID
        elif balance < total:
            status = RemoteStatus.PARTIALLY_PAID
        else:
            status = RemoteStatus.OPEN
        return RemoteInvoice(
            remote_id=invoice["Id"],
            status=status,
            amount_due=_money(total, currency),
            amount_paid=_money(total - balance if status != RemoteStatus.VOID else 0, currency),
            pay_url=invoice.get("InvoiceLink") or "",
        )

    def _read(self, invoice_id: str, with_link: bool = False) -> dict:
        params = {"include": "invoiceLink"} if with_link else None
        return self._call(lambda qb: qb.get_single_object("Invoice", invoice_id, params=params))[
            "Invoice"
        ]

    def fetch_invoice(self, remote_invoice_id: str) -> RemoteInvoice:
        return self._remote(self._read(remote_invoice_id, with_link=True))

    def pay_url(self, remote_invoice_id: str) -> str:
        return self._read(remote_invoice_id, with_link=True).get("InvoiceLink") or ""

    def void(self, remote_invoice_id: str) -> RemoteInvoice:
        for attempt in range(2):
            invoice = self._read(remote_invoice_id)
            if invoice.get("LinkedTxn") and any(
                txn.get("TxnType") == "Payment" for txn in invoice["LinkedTxn"]
            ):
                raise PlatformError(
                    _(
                        "QuickBooks cannot void this invoice because a payment is applied to it. "
                        "Refund or unapply the payment in QuickBooks first."
                    ),
                    code="payment_applied",
                    platform="quickbooks",
                )
            if self._remote(invoice).status == RemoteStatus.VOID:
                return self._remote(invoice)
            body = json.dumps({"Id": invoice["Id"], "SyncToken": invoice["SyncToken"]})
            try:
                result = self._call(
                    lambda qb, body=body: qb.post(
                        f"{qb.api_url}/company/{qb.company_id}/invoice",
                        body,
                        params={"operation": "void"},
                    )
                )
                return self._remote(result["Invoice"])
            except PlatformError as error:
                if error.code != "5010" or attempt:  # stale SyncToken: read again, once
                    raise
        raise AssertionError("unreachable")

    def payable_after_local_delete(self, remote_invoice_id: str) -> bool:
        return self.fetch_invoice(remote_invoice_id).status in (
            RemoteStatus.OPEN,
            RemoteStatus.PARTIALLY_PAID,
        )

    def create_payment_link(self, request, success_url, cancel_url, expires_at=None
                            ) -> PaymentLink:  # fmt: skip
        raise PlatformError(
            _("QuickBooks has no one-off payment links: send an invoice."),
            code="unsupported",
            platform="quickbooks",
        )

    def fetch_payment_link(self, remote_id: str) -> RemoteInvoice:
        return self.create_payment_link(None, "", "")

    # ---- events ----------------------------------------------------------------------------------
    def normalise(self, payload: dict) -> WebhookEvent | None:
        entity, object_id = payload.get("entity"), payload.get("id", "")
        occurred = datetime.now(UTC)
        if entity == "Invoice":
            try:
                invoice = self._read(object_id)
            except PlatformError as error:
                if error.code == "610":
                    return None
                raise
            return self._invoice_event(payload, invoice, occurred)
        changed = payload.get("operation") in ("Create", "Update")
        if str(entity).lower() == "refundreceipt" and changed:  # CloudEvents: "Refundreceipt"
            try:
                return self._call(lambda qb: refund_event(qb, payload, occurred))
            except PlatformError as error:
                if error.code == "610":  # deleted since: nothing to follow
                    return None
                raise
        if entity == "Payment" and changed:
            payment = self._call(lambda qb: qb.get_single_object("Payment", object_id))["Payment"]
            for line in payment.get("Line", []):
                for txn in line.get("LinkedTxn", []):
                    if txn.get("TxnType") == "Invoice":
                        invoice = self._read(txn["TxnId"])
                        event = self._invoice_event(payload, invoice, occurred)
                        currency = (payment.get("CurrencyRef") or {}).get("value", "USD")
                        method = (payment.get("PaymentMethodRef") or {}).get("name", "")
                        return WebhookEvent(
                            **{
                                **event.__dict__,
                                "payment": PaymentInfo(
                                    remote_payment_id=f"{payment['Id']}:{txn['TxnId']}",
                                    amount=_money(line.get("Amount"), currency),
                                    paid_at=occurred,
                                    method=method,
                                ),
                            }
                        )
        return None

    def _invoice_event(self, payload, invoice, occurred) -> WebhookEvent:
        remote = self._remote(invoice)
        kind = {
            RemoteStatus.PAID: EventKind.PAID,
            RemoteStatus.VOID: EventKind.VOIDED,
            RemoteStatus.PARTIALLY_PAID: EventKind.PARTIALLY_PAID,
        }.get(remote.status)
        return WebhookEvent(
            event_id=payload.get("event_id", ""),
            object_kind="invoice",
            remote_id=invoice["Id"],
            occurred_at=occurred,
            kind=kind,
            status=remote.status,
            amount_due=remote.amount_due,
            amount_paid=remote.amount_paid,
        )

    def recent_events(self, since: datetime) -> list[InboundPayload]:
        """Change Data Capture: every invoice, payment and refund changed since ``since``."""
        entities = ("Invoice", "Payment", "RefundReceipt")
        changed = self._call(lambda qb: qb.change_data_capture(",".join(entities), qbo.iso(since)))
        events = []
        for response in changed["CDCResponse"][0]["QueryResponse"]:
            for entity in entities:
                for obj in response.get(entity, []):
                    event_id = f"cdc:{entity}:{obj['Id']}:{obj.get('SyncToken', '0')}"
                    events.append(
                        InboundPayload(
                            event_id=event_id,
                            event_type=f"{entity}.Update",
                            account_ref=self.realm,
                            livemode=self.connection.mode == "live",
                            payload={
                                "event_id": event_id,
                                "entity": entity,
                                "id": obj["Id"],
                                "operation": "Update",
                                "realm": self.realm,
                            },
                        )
                    )
        return events

    # ---- what our connector does; readiness ----------------------------------------------------
    # QuickBooks has no one-off payment links, and refunds made in QuickBooks (refund
    # receipts, credit memos) are not followed yet: invoices with lines and taxes only.
    capabilities = frozenset({Capability.LINES_WITH_TAXES, Capability.REFUNDS})

    def expire_payment_link(self, remote_id: str) -> RemoteInvoice:
        return self.create_payment_link(None, "", "")  # refused: there are none to expire

    def check_ready(self) -> None:
        """The company answers us: our access holds and QuickBooks is reachable."""
        try:
            self._call(lambda qb: qb.get_single_object("CompanyInfo", self.realm))
        except RequestException as error:
            raise PlatformError(
                _("QuickBooks could not be reached; try again in a moment."),
                code="unreachable",
                retryable=True,
                platform="quickbooks",
            ) from error
