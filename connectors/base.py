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


class Capability(enum.StrEnum):
    """What a platform's connector really does, declared instead of discovered from an
    "unsupported" error at run time: billing offers only what the platform declares."""

    PAYMENT_LINKS = "payment_links"  # one-off pay pages (create, fetch, expire)
    # Clients add, list and remove cards or bank accounts on the platform's hosted page.
    SAVED_METHODS = "saved_methods"
    REFUNDS = "refunds"  # refunds made on the platform come back as events
    LINES_WITH_TAXES = "lines_with_taxes"  # an InvoiceRequest's lines, taxes and all
    AUTO_CHARGE = "auto_charge"  # charge a sent invoice to the client's default saved method
    SUBSCRIPTIONS = "subscriptions"  # recurring prices, subscription links, plan switches


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
    # The client's language (ISO 639-1, "en" or "fr"): the platform's pages and emails it sees.
    language: str = ""


@dataclass(frozen=True)
class TaxLine:
    """One tax on one line: its name ("GST", "TVQ"), its rate in percent and what it comes to.

    ``amount`` is already rounded by billing's rule (``payment_requests/totals.py``): platforms
    send it, or check that their own computation agrees, never round again on their own."""

    name: str
    rate: Decimal  # percent: Decimal("9.975")
    amount: Money


@dataclass(frozen=True)
class InvoiceLine:
    """One line of a document: ``quantity`` × ``unit_price`` − ``discount`` = ``amount``
    (before tax, exact in the currency's minor unit), plus its ``taxes``.

    ``quantity`` may be decimal (1.5 hours); platforms whose items take whole quantities send
    the line's ``amount`` as one item and say the quantity in the description."""

    description: str
    quantity: Decimal
    unit_price: Money
    amount: Money
    taxes: tuple[TaxLine, ...] = ()
    discount: Money | None = None
    reference: str = ""  # what the line bills (a product, a charge), for the platform's metadata

    @property
    def tax_total(self) -> Money:
        return Money(sum((t.amount.amount for t in self.taxes), Decimal(0)), self.amount.currency)

    @property
    def total(self) -> Money:
        return Money(self.amount.amount + self.tax_total.amount, self.amount.currency)


@dataclass(frozen=True)
class InvoiceRequest:
    """What to bill: built from one document (an invoice of one or many lines).

    ``total`` is the sum of the lines' totals (their amounts plus their taxes); billing
    guarantees it, and a platform that computes another total must refuse, not send."""

    local_id: int
    idempotency_key: str
    number: str
    description: str
    total: Money
    due_date: date
    client: ClientRef
    attachment_links: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)
    lines: tuple[InvoiceLine, ...] = ()
    # Credit notes applied to it (each line's ``amount`` is what the credit pays, positive):
    # the platform bills ``amount_due``, showing each credit as a line taken off the total.
    credits: tuple[InvoiceLine, ...] = ()

    @property
    def amount_due(self) -> Money:
        """What the client is asked to pay: the total less the credit applied."""
        credited = sum((line.amount.amount for line in self.credits), Decimal(0))
        return Money(self.total.amount - credited, self.total.currency)

    @property
    def billed_lines(self) -> tuple[InvoiceLine, ...]:
        """The lines to send; a request without lines is one line of its whole total."""
        if self.lines:
            return self.lines
        return (InvoiceLine(self.description, Decimal(1), self.total, self.total),)

    @property
    def subtotal(self) -> Money:
        return Money(sum((ln.amount.amount for ln in self.lines), Decimal(0)), self.total.currency)

    @property
    def tax_total(self) -> Money:
        return Money(
            sum((ln.tax_total.amount for ln in self.lines), Decimal(0)), self.total.currency
        )


@dataclass(frozen=True)
class RemoteInvoice:
    remote_id: str
    status: RemoteStatus
    amount_due: Money
    amount_paid: Money
    pay_url: str = ""
    pay_url_expires_at: datetime | None = None


@dataclass(frozen=True)
class ChargeOutcome:
    """What charging an invoice to the client's saved method came to: ``outcome`` is "paid",
    "authentication_required" (the client must confirm it), "declined" or "no_method" (no
    default method saved); ``message`` says why, for people; ``invoice`` when paid."""

    outcome: str
    message: str = ""
    invoice: RemoteInvoice | None = None


@dataclass(frozen=True)
class PaymentLink:
    remote_id: str
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class SavedMethod:
    """A card or bank account the platform keeps for a customer: what a person needs to tell
    them apart, never a full number nor a security code (those stay on the platform)."""

    remote_id: str
    kind: str  # "card" or "bank"
    brand: str  # "visa", "mastercard"; a bank's name
    last4: str
    exp_month: int | None = None  # cards only
    exp_year: int | None = None
    is_default: bool = False


@dataclass(frozen=True)
class PaymentInfo:
    """Money received, as the platform reports it; ``remote_payment_id`` is unique."""

    remote_payment_id: str
    amount: Money
    paid_at: datetime
    method: str = ""


@dataclass(frozen=True)
class InboundPayload:
    """A verified webhook event, before it is routed to an account and normalised."""

    event_id: str
    event_type: str
    account_ref: str
    livemode: bool
    payload: dict


@dataclass(frozen=True)
class WebhookEvent:
    """A platform event, normalised for billing.

    ``status`` is the remote object's state as of the event (events may arrive late or out of
    order, so consumers only ever move state forward); ``kind`` says what happened, if it
    matters to billing.
    """

    event_id: str
    object_kind: str  # "invoice", "payment_link" or "subscription"
    remote_id: str
    occurred_at: datetime
    kind: EventKind | None = None
    status: RemoteStatus | None = None
    amount_due: Money | None = None
    amount_paid: Money | None = None
    payment: PaymentInfo | None = None
    refund: PaymentInfo | None = None  # the payment and its total refunded so far
    failure_message: str = ""
    local_ref: str = ""


@dataclass(frozen=True)
class RemoteSubscription:
    """A platform subscription as it is now: its one plan (price) and its current period."""

    remote_id: str
    status: str  # incomplete, active, past_due, canceled (others kept as the platform says)
    price_id: str
    customer_id: str
    current_period_end: datetime | None
    cancel_at_period_end: bool
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RemoteSubscriptionInvoice:
    """One invoice the platform issued for a subscription (its first, a renewal, a switch)."""

    remote_id: str
    number: str
    created: datetime
    amount: Money
    status: str  # paid, open, void, uncollectible
    url: str  # the platform's hosted page of the invoice ("" when it has none)


@dataclass(frozen=True)
class RecurringPrice:
    """A recurring price to create on the platform: ``amount`` every ``interval_count``
    ``interval`` (month, year or week)."""

    local_id: int
    name: str
    amount: Money
    interval: str
    interval_count: int = 1


class ConnectionEventKind(enum.StrEnum):
    CONNECTED = "connected"  # the account can take payments (again)
    DEAUTHORIZED = "deauthorized"  # its owner removed our access on the platform
    NEEDS_RECONNECTING = "needs_reconnecting"  # our access lapsed, or it cannot take payments


@dataclass(frozen=True)
class ConnectionEvent:
    """Something that happened to the connection itself, whichever platform said so.

    Each platform turns its own signals into one (``PaymentPlatform.connection_event``, or
    its client when a token is refused); ``connectors/connection_events.py`` handles it.
    ``kind`` is ``None`` when the event only renames the account (``display_name``).
    ``reason`` is read by people, lazily translated: each reads it in their own language."""

    kind: ConnectionEventKind | None
    account_ref: str
    occurred_at: datetime
    reason: str = ""
    display_name: str = ""


@dataclass(frozen=True)
class ConnectedAccount:
    """What onboarding yields: the platform account and the credentials to reach it."""

    remote_account_id: str
    display_name: str
    livemode: bool
    secrets: dict[str, str] = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    ready: bool = True


class PlatformApp(abc.ABC):
    """Our application as registered with a platform: onboarding and webhook verification.

    Unlike ``PaymentPlatform`` it is not bound to one tenant: OAuth callbacks and webhooks
    arrive before we know whose they are.
    """

    name: str = ""

    @abc.abstractmethod
    def is_configured(self, mode: str) -> bool: ...

    @abc.abstractmethod
    def max_amount(self, currency: str) -> Decimal:
        """The largest amount one payment may ask for in ``currency``: larger ones the
        platform refuses, so billing refuses them before they are saved."""

    @abc.abstractmethod
    def authorize_url(self, mode: str, state: str, redirect_uri: str, prefill: dict) -> str: ...

    @abc.abstractmethod
    def finish_authorization(self, mode: str, params: dict[str, str]) -> ConnectedAccount:
        """Exchange the callback's code; raises ``PlatformError`` with a clear message."""

    @abc.abstractmethod
    def verify_webhook(self, mode: str, body: bytes, headers: dict) -> list[InboundPayload]:
        """Check the signature on the raw body; raises ``WebhookRejected`` if it fails."""

    def account_name(self, account: dict) -> str:
        """The business name in an account object a platform event carries; "" if none."""
        return ""


class WebhookRejected(Exception):
    """A webhook that must not be trusted (bad signature, stale, malformed)."""


class PaymentPlatform(abc.ABC):
    """One connected platform account of one tenant.

    Every method either does what it says or raises ``PlatformError``. Methods that create
    something take an ``idempotency_key`` derived from our own rows, so a retry (network,
    worker crash, double click) never creates a second invoice, link or reminder.

    ``capabilities`` says what our connector does on this platform; billing asks it (through
    ``registry.capabilities_of``) and never the platform's name.
    """

    name: str = ""
    capabilities: frozenset[Capability] = frozenset()

    @abc.abstractmethod
    def disconnect(self) -> None:
        """Revoke our access on the platform; local history stays."""

    @abc.abstractmethod
    def ensure_customer(self, client: ClientRef) -> str:
        """The platform's customer id for this client, created once and then reused."""

    @abc.abstractmethod
    def create_and_send_invoice(self, request: InvoiceRequest) -> RemoteInvoice:
        """Create, fill and finalise the platform invoice under our ``request.number`` (the
        platform numbers it only when that is empty); our own email carries the link."""

    @abc.abstractmethod
    def pay_url(self, remote_invoice_id: str) -> str:
        """The current pay page (platform URLs expire; this one is fresh)."""

    @abc.abstractmethod
    def create_payment_link(
        self,
        request: InvoiceRequest,
        success_url: str,
        cancel_url: str,
        expires_at: datetime | None = None,
    ) -> PaymentLink: ...

    @abc.abstractmethod
    def void(self, remote_invoice_id: str) -> RemoteInvoice:
        """Cancel: void a finalised invoice, delete a draft; refuse a paid one."""

    @abc.abstractmethod
    def payable_after_local_delete(self, remote_invoice_id: str) -> bool:
        """Whether the client could still pay if we only deleted our side (the UI warns)."""

    @abc.abstractmethod
    def fetch_invoice(self, remote_invoice_id: str) -> RemoteInvoice: ...

    @abc.abstractmethod
    def fetch_payment_link(self, remote_id: str) -> RemoteInvoice: ...

    @abc.abstractmethod
    def normalise(self, payload: dict) -> WebhookEvent | None:
        """A verified event's payload as a ``WebhookEvent``; ``None`` when billing ignores it."""

    @abc.abstractmethod
    def recent_events(self, since: datetime) -> list[InboundPayload]:
        """Events since ``since``, for reconciliation after lost webhooks."""

    # ---- payment links, readiness, the connection's own events -----------------------------
    @abc.abstractmethod
    def expire_payment_link(self, remote_id: str) -> RemoteInvoice:
        """Make a payment link unpayable from now on and return its state; a link already
        expired, or paid, is returned as it is (a paid one stays paid: the caller decides).
        A platform without ``Capability.PAYMENT_LINKS`` raises ``PlatformError``."""

    @abc.abstractmethod
    def check_ready(self) -> None:
        """Return if the account can take payments now; else raise ``PlatformError`` whose
        message tells a billing administrator what to do (finish activating the account,
        reconnect…). Asks the platform: slow, for installation and settings, not per request."""

    def charge_saved_method(self, remote_invoice_id: str, idempotency_key: str) -> ChargeOutcome:
        """Charge the sent invoice off-session to its client's default saved method. A card
        the bank refuses is an outcome, not an error; the same ``idempotency_key`` never
        charges twice. Only with ``Capability.AUTO_CHARGE``."""
        raise PlatformError("This platform does not charge saved payment methods.",
                            code="unsupported", platform=self.name)  # fmt: skip

    def connection_event(self, payload: dict) -> ConnectionEvent | None:
        """A verified event's payload, if it is about the connection itself (access revoked,
        the account able or unable to charge, renamed); ``None`` for any other event."""
        return None

    # ---- saved payment methods (``Capability.SAVED_METHODS``) ------------------------------
    # Not abstract: a platform without the capability keeps these, which refuse clearly.
    def start_saving_method(self, client: ClientRef, success_url: str, cancel_url: str) -> str:
        """The URL of the platform's hosted page where ``client`` (whose ``remote_id`` is its
        customer) adds a card or bank account; it comes back to ``success_url`` once saved,
        to ``cancel_url`` if the client gives up. No card number ever reaches us."""
        raise self._cannot_keep_methods()

    def saved_methods(self, customer_id: str) -> list[SavedMethod]:
        """The customer's methods as the platform keeps them now, the default one marked."""
        raise self._cannot_keep_methods()

    def remove_method(self, customer_id: str, remote_id: str) -> None:
        """Detach the method from the customer on the platform; one already gone is no error.
        A method of another customer is refused."""
        raise self._cannot_keep_methods()

    def set_default_method(self, customer_id: str, remote_id: str) -> None:
        """Make one of the customer's methods the one the platform charges by default."""
        raise self._cannot_keep_methods()

    def _cannot_keep_methods(self) -> PlatformError:
        from django.utils.translation import gettext as _

        return PlatformError(
            _("This payment platform cannot keep payment methods."),
            code="not_supported",
            platform=self.name,
        )

    # ---- subscriptions (``Capability.SUBSCRIPTIONS``) ----------------------------------------
    # A platform without the capability refuses them all: billing asks ``capabilities`` first.
    def _no_subscriptions(self):
        from django.utils.translation import gettext as _

        return PlatformError(
            _("This payment platform does not offer subscriptions."),
            code="unsupported",
            platform=self.name,
        )

    def ensure_plan_price(self, plan: RecurringPrice) -> str:
        """The platform's recurring price for ``plan``, created once (idempotent per plan)."""
        raise self._no_subscriptions()

    def create_subscription_link(
        self, client: ClientRef, price_id: str, success_url: str, cancel_url: str,
        metadata: dict[str, str] | None = None,
    ) -> str:  # fmt: skip
        """A hosted page where ``client`` subscribes to ``price_id``; its URL."""
        raise self._no_subscriptions()

    def fetch_subscription(self, remote_id: str) -> RemoteSubscription:
        raise self._no_subscriptions()

    def cancel_subscription_at_period_end(self, remote_id: str) -> RemoteSubscription:
        raise self._no_subscriptions()

    def switch_subscription_plan(self, remote_id: str, price_id: str) -> RemoteSubscription:
        """Move the subscription to ``price_id``; the platform prorates the period's rest."""
        raise self._no_subscriptions()

    def subscription_invoices(
        self, customer_id: str, subscription_id: str
    ) -> list[RemoteSubscriptionInvoice]:
        """The subscription's issued invoices (drafts left out), newest first, the most recent
        two dozen at most: the platform keeps them, we do not copy them."""
        raise self._no_subscriptions()
