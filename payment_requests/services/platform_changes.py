"""What the payment platform tells us about a request's invoice or link, mirrored here.

Refunds: the platform's events carry a payment's running refunded total; billing's record of
the payment (``Payment``) and its request only ever grow by it, so an event applied twice, or
an older one applied late, changes nothing. A refund is recorded whatever the request's
status; the request moves Paid → Partially refunded → Refunded only as the table allows, and a
refund that came before billing saw the payment moves it once the payment does.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from connectors.base import RemoteStatus
from connectors.models import RemoteObject, RemotePayment
from connectors.money import round_to_minor
from payment_requests import states
from payment_requests.models import Payment, PaymentRequest, StatusChange
from payment_requests.services.common import Status
from payment_requests.services.emails import email_paid_later, email_refund_later
from payment_requests.services.links import revoke_links
from payment_requests.services.manual import manual_total

PLATFORM = StatusChange.Source.PLATFORM


def apply_remote_change(remote_object: RemoteObject, payment=None, changes=()) -> None:
    """A webhook or reconciliation moved the remote invoice/link: mirror it here."""
    with transaction.atomic():
        request = (
            PaymentRequest.objects.select_for_update(of=("self",))
            .select_related("client")
            .annotate(manual_paid=manual_total())  # in the same statement as the lock
            .filter(remote=remote_object)
            .first()
        )
        if request is None:
            return
        remote_object.refresh_from_db()
        refund = Decimal(0)
        if payment is not None:
            recorded = _record_payment(request, payment)
            if "refund" in changes:
                refund = _record_refund(request, recorded, payment)
        # The platform's total plus what the team recorded by hand (``manual``), which the
        # platform never hears of.
        paid_here = remote_object.amount_paid + request.manual_paid
        request.amount_paid = max(request.amount_paid, paid_here)
        status = RemoteStatus(remote_object.status)
        newly_paid = False
        if status == RemoteStatus.PAID and states.can_move(request.status, Status.PAID):
            request.paid_at = timezone.now()
            states.move(request, Status.PAID, PLATFORM, note=gettext_noop("Payment received"))
            newly_paid = True
            if request.deleted_at:  # money arrived: it belongs on the dashboard and its totals
                request.deleted_at = None
                back = gettext_noop("Paid after it was deleted: back on the dashboard")
                states.note(request, PLATFORM, back)
        elif status == RemoteStatus.EXPIRED and request.status in PaymentRequest.OPEN_STATUSES:
            states.move(
                request, Status.EXPIRED, PLATFORM, note=gettext_noop("The payment link expired")
            )
            revoke_links(request)
        elif status == RemoteStatus.VOID and request.status in PaymentRequest.OPEN_STATUSES:
            request.canceled_at = timezone.now()
            voided = gettext_noop("Voided on the payment platform")
            states.move(request, Status.CANCELED, PLATFORM, note=voided)
            revoke_links(request)
        if "failure" in changes and request.status in PaymentRequest.OPEN_STATUSES:
            request.payment_failure = remote_object.last_failure[:300]
            states.note(
                request,
                StatusChange.Source.CLIENT,
                gettext_noop("Payment failed: %(reason)s"),
                reason=remote_object.last_failure,
            )
        refund_told = _follow_refunds(request, refund, newly_paid)
        if remote_object.needs_attention:
            request.last_error = remote_object.attention_note
        request.save()
        if newly_paid:
            email_paid_later(request.pk)
        if refund_told:
            email_refund_later(request.pk)


def _record_payment(request: PaymentRequest, payment: RemotePayment) -> Payment:
    recorded, _created = Payment.objects.get_or_create(
        remote_payment=payment,
        defaults={
            "request": request,
            "source": Payment.Source.PLATFORM,
            "amount": payment.amount,
            "currency": payment.currency,
            "method": payment.method,
            "paid_at": payment.paid_at,
        },
    )
    return recorded


def _record_refund(request: PaymentRequest, recorded: Payment, payment: RemotePayment
                   ) -> Decimal:  # fmt: skip
    """What the platform's refunded total adds to billing's record of the payment (and to
    its request's total): only growth counts."""
    # In the currency's minor unit, as billing's amounts are kept (50.00 EUR, 5000 JPY).
    total = round_to_minor(min(payment.amount_refunded, recorded.amount), request.currency)
    grown = total - recorded.amount_refunded
    if grown <= 0:
        return Decimal(0)
    recorded.amount_refunded = total
    recorded.refunded_at = timezone.now()
    recorded.save(update_fields=["amount_refunded", "refunded_at"])
    request.amount_refunded += grown
    return grown


def _refundable(request: PaymentRequest) -> Decimal:
    """What the platform can give back: what was paid less what credit notes paid (a credit
    is no money on the platform; refunding all the money refunds the invoice)."""
    credited = request.payments.filter(
        source=Payment.Source.CREDIT, undone_at__isnull=True
    ).aggregate(total=Sum("amount"))["total"]
    return request.amount_paid - (credited or Decimal(0))


def _follow_refunds(request: PaymentRequest, refund: Decimal, newly_paid: bool) -> bool:
    """The request's status and history after a refund of ``refund`` (or after it became
    paid with refunds already recorded); whether the client and creator are to be told."""
    if not request.amount_refunded or not (refund or newly_paid):
        return False
    to = Status.PARTIALLY_REFUNDED
    if request.amount_refunded >= _refundable(request):
        to = Status.REFUNDED
    amount = refund or request.amount_refunded
    params = {"amount": str(amount), "currency": request.currency}
    note = gettext_noop("Refund of %(amount)s")
    if newly_paid and not refund:  # refunded before billing saw the payment
        note = gettext_noop("Refunded before the payment was confirmed: %(amount)s")
    if states.can_move(request.status, to):
        states.move(request, to, PLATFORM, note=note, **params)
    elif refund:  # not paid here yet (or refunded already): noted, never moved illegally
        states.note(request, PLATFORM, note, **params)
    return request.status in (Status.PARTIALLY_REFUNDED, Status.REFUNDED)
