"""A client's statement of account for a period: per currency, what was due at its start
(opening balance), the invoices sent and the money received or given back during it, what is
due at its end (closing balance) and how late the unpaid part of it is (ageing).

Which requests count is what the portal lists (``client_portal.invoices.shown``): never a
draft, a canceled or an expired request. Dates are the account's (its time zone), as on the
invoices. Amounts are exact Decimals, never converted between currencies.

Refunds: ``Payment`` keeps one refunded total and the date of the latest refund, so a payment
refunded twice shows as one refund line on that date. A refund gives money back: it raises
what the client owes, as on any statement of account.

Credit notes (``credits``): one issued lowers the balance on its day; one refunded raises it
again (money went back). The part of an invoice a credit note paid (a payment of source
*credit*) is no line of its own, the credit note lowered the balance already, but the invoice
owes that much less in the ageing. So the ageing, less the credit not applied yet
(``unapplied``), is the closing balance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy

from client_portal import invoices
from payment_requests.models import Payment

MAX_YEARS = 5
ZERO = Decimal("0")
# (key, label, lowest and highest days past due at the period's end; None: no bound).
BUCKETS = (
    ("current", gettext_lazy("Not yet due"), None, 0),
    ("1_30", gettext_lazy("1–30 days"), 1, 30),
    ("31_60", gettext_lazy("31–60 days"), 31, 60),
    ("61_90", gettext_lazy("61–90 days"), 61, 90),
    ("over_90", gettext_lazy("Over 90 days"), 91, None),
)


@dataclass(frozen=True)
class Line:
    day: date
    kind: str  # "invoice", "payment", "refund" or "credit"
    label: str  # the invoice's number, the payment's method
    charge: Decimal = ZERO  # raises the balance (invoices, refunds)
    credit: Decimal = ZERO  # lowers it (payments, credit notes)


@dataclass
class Section:
    """One currency's statement."""

    currency: str
    opening: Decimal = ZERO
    lines: list[Line] = field(default_factory=list)
    ageing: dict[str, Decimal] = field(default_factory=dict)
    # Credit notes' amounts not applied to an invoice nor refunded by the period's end.
    unapplied: Decimal = ZERO

    @property
    def closing(self) -> Decimal:
        return self.opening + sum((line.charge - line.credit for line in self.lines), ZERO)

    @property
    def running(self) -> list[tuple[Line, Decimal]]:
        """Each line with the balance after it, as the PDF prints them."""
        balance, rows = self.opening, []
        for line in self.lines:
            balance += line.charge - line.credit
            rows.append((line, balance))
        return rows

    @property
    def invoiced(self) -> Decimal:
        return sum((line.charge for line in self.lines if line.kind == "invoice"), ZERO)

    @property
    def received(self) -> Decimal:
        return sum((line.credit for line in self.lines if line.kind == "payment"), ZERO)

    @property
    def credited(self) -> Decimal:
        return sum((line.credit for line in self.lines if line.kind == "credit"), ZERO)

    @property
    def ageing_rows(self) -> list[tuple[str, Decimal]]:
        return [(label, self.ageing.get(key, ZERO)) for key, label, _low, _high in BUCKETS]


def bucket_of(days_past_due: int) -> str:
    for key, _label, low, high in BUCKETS:
        if (low is None or days_past_due >= low) and (high is None or days_past_due <= high):
            return key
    raise AssertionError(days_past_due)  # the buckets cover every integer


def credit_lines(client, end: date, tz=None) -> list[tuple[str, Line]]:
    """(currency, line) of each credit note given to ``client`` up to ``end`` (a voided one
    never was) and of each refund of one. Posted like payments: before the period they move
    the opening balance, in it they are lines."""
    from credits.models import CreditNote, CreditRefund

    tz = tz or timezone.get_current_timezone()
    found = []
    notes = CreditNote.objects.filter(client=client, voided_at__isnull=True)
    for note in notes:
        issued = timezone.localdate(note.issued_at, tz)
        if issued <= end:
            label = f"{note.number} · {note.reason}"[:120]
            found.append((note.currency, Line(issued, "credit", label, credit=note.amount)))
    refunds = CreditRefund.objects.filter(credit_note__in=notes, refunded_on__lte=end)
    for refund in refunds.select_related("credit_note"):
        note = refund.credit_note
        found.append(
            (note.currency, Line(refund.refunded_on, "refund", note.number, charge=refund.amount))
        )
    return found


def statement(client, start: date, end: date, tz=None) -> list[Section]:
    """``client``'s statement from ``start`` to ``end`` (both included, account dates), one
    section per currency it was ever billed in up to ``end``, by currency code."""
    tz = tz or timezone.get_current_timezone()

    def day(moment) -> date:
        return timezone.localdate(moment, tz)

    requests = list(invoices.shown(client, "all").order_by("pk"))
    owed_at_end: dict[int, Decimal] = {}  # per request: charged less received by ``end``
    sections: dict[str, Section] = {}

    def section(currency: str) -> Section:
        return sections.setdefault(currency, Section(currency))

    def post(currency: str, on: date, line: Line) -> None:
        if on < start:
            section(currency).opening += line.charge - line.credit
        elif on <= end:
            section(currency).lines.append(line)

    for item in requests:
        sent = day(item.sent_at or item.created_at)
        if sent > end:
            continue
        owed_at_end[item.pk] = item.amount
        post(item.currency, sent, Line(sent, "invoice", item.number, charge=item.amount))
    payments = Payment.objects.filter(
        request__in=[item.pk for item in requests if item.pk in owed_at_end],
        undone_at__isnull=True,  # an undone manual payment was never received
    ).select_related("request")
    credit_paid: dict[str, Decimal] = {}  # per currency: what credit notes paid by ``end``
    for payment in payments:
        paid = day(payment.paid_at)
        number = payment.request.number
        if payment.source == Payment.Source.CREDIT:
            if paid <= end:  # owed less; no line: the credit note lowered the balance already
                owed_at_end[payment.request_id] -= payment.amount
                credit_paid[payment.currency] = credit_paid.get(payment.currency, ZERO) + (
                    payment.amount
                )
            continue
        if paid <= end:
            owed_at_end[payment.request_id] -= payment.amount
            # Which invoice it paid, and how: the client matches it to its own books.
            label = " · ".join(str(part) for part in (number, payment.method_label) if part)
            post(payment.currency, paid, Line(paid, "payment", label, credit=payment.amount))
        if payment.amount_refunded and payment.refunded_at:
            refunded = day(payment.refunded_at)
            if refunded <= end:
                owed_at_end[payment.request_id] += payment.amount_refunded
                line = Line(refunded, "refund", number, charge=payment.amount_refunded)
                post(payment.currency, refunded, line)
    for currency, line in credit_lines(client, end, tz):
        post(currency, line.day, line)
        section(currency).unapplied += line.credit - line.charge
    for currency, amount in credit_paid.items():
        section(currency).unapplied -= amount
    for item in requests:
        owed = owed_at_end.get(item.pk, ZERO)
        if owed > 0:
            ageing = section(item.currency).ageing
            key = bucket_of((end - item.due_date).days)
            ageing[key] = ageing.get(key, ZERO) + owed
    for found in sections.values():
        found.lines.sort(key=lambda line: (line.day, line.kind != "invoice"))
    return [sections[code] for code in sorted(sections)]
