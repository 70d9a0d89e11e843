"""The one interface every payment platform implements.

Billing code talks to a ``PaymentPlatform`` and receives the small dataclasses below; it never
imports a platform SDK. Each platform lives in its own package (``connectors/stripe/``,
``connectors/quickbooks/``) with its SDK calls, OAuth, webhooks and offline emulator.
"""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


class PlatformError(Exception):
    """Anything a platform refused or failed to do, with a message fit for the side panel."""

    def __init__(
        self, message: str, *, code: str = "", retryable: bool = False, platform: str = ""
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retryable = retryable
        self.platform = platform


class RemoteStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    VOID = "void"
    EXPIRED = "expired"
    UNCOLLECTIBLE = "uncollectible"


class EventKind(enum.StrEnum):
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    VOIDED = "voided"
    FAILED = "failed"
    EXPIRED = "expired"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class Money:
    """An exact amount in an ISO 4217 currency."""

    amount: Decimal
    currency: str

    def __post_init__(self):
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money.amount must be a Decimal")
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")
        object.__setattr__(self, "currency", self.currency.upper())


@dataclass(frozen=True)
class ClientRef:
    """Who pays: our client row, as much as a platform needs to create its customer."""

    local_id: int
    name: str
    email: str
    remote_id: str = ""


@dataclass(frozen=True)
class InvoiceRequest:
    """What to bill: built from one payment request (which may gather many charges)."""

    local_id: int
    idempotency_key: str
    number: str
    description: str
    total: Money
    due_date: date
    client: ClientRef
    attachment_links: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RemoteInvoice:
    remote_id: str
    status: RemoteStatus
    amount_due: Money
    amount_paid: Money
    pay_url: str = ""
    pay_url_expires_at: datetime | None = None


@dataclass(frozen=True)
class PaymentLink:
    remote_id: str
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class WebhookEvent:
    """A platform event, normalised; ``event_id`` is unique per platform account."""

    event_id: str
    kind: EventKind
    remote_invoice_id: str
    occurred_at: datetime
    amount: Money | None = None
    payment_method: str = ""
    remote_payment_id: str = ""
    account_ref: str = ""


@dataclass(frozen=True)
class OnboardingStart:
    redirect_url: str
    state: str


class PaymentPlatform(abc.ABC):
    """One connected platform account of one tenant."""

    name: str = ""

    @abc.abstractmethod
    def start_onboarding(self, return_url: str) -> OnboardingStart: ...

    @abc.abstractmethod
    def finish_onboarding(self, params: dict[str, str], expected_state: str) -> dict: ...

    @abc.abstractmethod
    def disconnect(self) -> None: ...

    @abc.abstractmethod
    def ensure_customer(self, client: ClientRef) -> str: ...

    @abc.abstractmethod
    def create_and_send_invoice(self, request: InvoiceRequest) -> RemoteInvoice: ...

    @abc.abstractmethod
    def pay_url(self, remote_invoice_id: str) -> str: ...

    @abc.abstractmethod
    def create_payment_link(
        self, request: InvoiceRequest, success_url: str, cancel_url: str
    ) -> PaymentLink: ...

    @abc.abstractmethod
    def send_reminder(self, remote_invoice_id: str) -> None: ...

    @abc.abstractmethod
    def void(self, remote_invoice_id: str) -> RemoteInvoice: ...

    @abc.abstractmethod
    def fetch_invoice(self, remote_invoice_id: str) -> RemoteInvoice: ...

    @abc.abstractmethod
    def parse_webhook(self, body: bytes, headers: dict[str, str]) -> list[WebhookEvent]: ...
