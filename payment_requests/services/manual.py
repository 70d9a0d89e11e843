"""The invoice's *More actions*: email it, mark it sent, mark it paid by hand, undo that.

Marking sent and paid are for what happened outside the app (an invoice handed over, cash
at the counter): nothing goes to the payment platform, whose interface has no call to mark
an invoice paid elsewhere. A request that was sent through the platform and is marked paid
here keeps its platform invoice open, and its history and panel say so (void it there, or
the client could pay it twice). Every change of money runs on the locked request, once: the
form's ``entry_key`` makes a double click record one payment.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing_saas.money_format import format_money
from billing_saas.refusals import ActionRefused
from payment_requests import states
from payment_requests.models import Payment, PaymentRequest, StatusChange
from payment_requests.services.common import Status, check_amount, current_tenant, lock
from payment_requests.services.emails import email_later, email_paid_later
from payment_requests.services.links import link_url, new_link
from payment_requests.services.numbering import next_number
from payment_requests.services.sending import send_request

USER = StatusChange.Source.USER
EMAILED_AGAIN = gettext_noop("Invoice emailed again to %(email)s")
PLATFORM_STAYS_OPEN = gettext_noop(
    "Marked paid here; the %(platform)s invoice stays open: void it there so it is not paid twice"
)
# Two clicks on *Email invoice* within this span send one email (the lock orders them).
DOUBLE_CLICK = timedelta(seconds=10)


def account_today() -> date:
    """Today where the account is: a payment received "today" there is not in the future."""
    return timezone.localdate(timezone.now(), current_tenant().tzinfo)


def email_invoice(pk: int, *, actor, request_host=None) -> PaymentRequest:
    """A draft is sent (platform invoice, email, Sent); a sent one is emailed again, with the
    request's own wording and a fresh link (a reminder speaks of a due date)."""
    with transaction.atomic():
        request = lock(pk)
        if request.status == Status.DRAFT:
            pass  # sent below, outside this transaction: send_request claims it itself
        elif not request.can_be_reminded:
            raise ActionRefused(_("Only drafts and sent, unpaid requests can be emailed."))
        else:
            just_now = timezone.now() - DOUBLE_CLICK
            if not request.history.filter(note=EMAILED_AGAIN, created_at__gte=just_now).exists():
                email = request.client.email
                states.note(request, USER, EMAILED_AGAIN, actor, email=email)
                email_later(
                    request.pk, "request", link_url(request, new_link(request), request_host)
                )
            return request
    return send_request(pk, actor=actor, request_host=request_host)


def mark_sent(pk: int, *, actor) -> PaymentRequest:
    """The provider sent this draft by hand: it is numbered and Sent, with no platform
    invoice and no email (so the client cannot pay it online; its page says whom to ask)."""
    with transaction.atomic():
        request = lock(pk)
        if request.status in PaymentRequest.OPEN_STATUSES:
            return request  # a double click: marked already
        _mark_sent(request, actor)
        # The client's available credit pays what it can, as on an invoice sent online; paid
        # in full, it is Paid at once (nothing emailed here either).
        from credits.services.applying import apply_to, settle_if_covered

        if apply_to(request, USER, actor):
            settle_if_covered(request, USER, actor, email=False)
        request.save()
    return request


def _mark_sent(request: PaymentRequest, actor) -> None:
    if request.deleted_at:
        raise ActionRefused(_("This request was deleted."))
    if request.status != Status.DRAFT:
        raise ActionRefused(_("Only a draft can be marked sent."))
    request.number = request.number or next_number()
    request.sent_at = timezone.now()
    states.move(request, Status.SENT, USER, actor, note=gettext_noop("Marked sent (not emailed)"))


def mark_paid(
    pk: int,
    *,
    actor,
    amount: Decimal,
    method: str,
    paid_on: date,
    reference: str = "",
    entry_key: str = "",
    email_receipt: bool = True,
) -> Payment:
    """Record money received outside the platform; the request is Paid once nothing is due.

    A draft is marked sent first (numbered). ``email_receipt``: the client gets the usual
    receipt and the creator the usual notice, once the request is fully paid."""
    with transaction.atomic():
        request = lock(pk)
        if entry_key and (done := Payment.objects.filter(entry_key=entry_key).first()):
            return done  # the same form again (a double click): recorded already
        _check_payable_by_hand(request, amount, paid_on)
        if request.status == Status.DRAFT:
            _mark_sent(request, actor)
        payment = Payment.objects.create(
            request=request,
            source=Payment.Source.MANUAL,
            amount=amount,
            currency=request.currency,
            method=method,
            reference=reference[:100],
            paid_at=_moment(paid_on),
            recorded_by=actor,
            entry_key=entry_key or None,
        )
        request.amount_paid += amount
        params = {"amount": str(amount), "currency": request.currency}
        if request.amount_paid >= request.amount:
            request.paid_at = payment.paid_at
            note = gettext_noop("Marked paid: %(amount)s received")
            states.move(request, Status.PAID, USER, actor, note=note, **params)
            if request.remote_id:
                states.note(
                    request, USER, PLATFORM_STAYS_OPEN, actor, platform=request.platform_name
                )
            if email_receipt:
                email_paid_later(request.pk)
        else:
            states.note(request, USER, gettext_noop("Partial payment of %(amount)s recorded"),
                        actor, **params)  # fmt: skip
        request.save()
    return payment


def _check_payable_by_hand(request: PaymentRequest, amount: Decimal, paid_on: date) -> None:
    if request.is_paid:
        raise ActionRefused(_("This request is already paid."))
    if request.status not in (Status.DRAFT, *PaymentRequest.OPEN_STATUSES):
        raise ActionRefused(_("Only drafts and sent, unpaid requests can be marked paid."))
    if request.status == Status.DRAFT and request.deleted_at:
        raise ActionRefused(_("This request was deleted."))
    check_amount(amount, request.currency)
    if amount > request.balance_due:
        raise ActionRefused(
            _("The amount is more than the balance due (%(due)s).")
            % {"due": format_money(request.balance_due, request.currency)}
        )
    if paid_on > account_today():
        raise ActionRefused(_("The payment date cannot be in the future."))


def _moment(paid_on: date) -> datetime:
    """When the money came: now if today, else that day's start where the account is."""
    if paid_on == account_today():
        return timezone.now()
    return datetime.combine(paid_on, time.min, tzinfo=current_tenant().tzinfo)


def undo_payment(pk: int, payment_pk: int, *, actor) -> Payment:
    """Take back a manual payment (recorded by mistake): the row stays, marked undone; the
    request owes it again and, if it had made it Paid, is open again (Sent, or Overdue past
    its due date). A platform's payment is the platform's: never undone here."""
    with transaction.atomic():
        request = lock(pk)
        payment = Payment.objects.select_for_update().get(pk=payment_pk, request=request)
        if payment.source != Payment.Source.MANUAL:
            raise ActionRefused(_("A payment made on the payment platform cannot be undone here."))
        if payment.undone_at:
            return payment  # a double click: undone already
        if request.status not in (Status.PAID, *PaymentRequest.OPEN_STATUSES):
            raise ActionRefused(_("This request was refunded or closed: its payments stay."))
        payment.undone_at = timezone.now()
        payment.undone_by = actor
        payment.save(update_fields=["undone_at", "undone_by"])
        request.amount_paid = max(request.amount_paid - payment.amount, Decimal(0))
        note = gettext_noop("Manual payment of %(amount)s undone")
        params = {"amount": str(payment.amount), "currency": request.currency}
        if request.status == Status.PAID and request.amount_paid < request.amount:
            request.paid_at = None
            back = Status.OVERDUE if request.due_date < account_today() else Status.SENT
            states.move(request, back, USER, actor, note=note, **params)
        else:
            states.note(request, USER, note, actor, **params)
        request.save()
    return payment


def manual_total():
    """An annotation: what team members recorded by hand on the request and did not undo, and
    what credit notes paid of it (the platform's payments know none of it)."""
    payments = (
        Payment.objects.filter(
            request=OuterRef("pk"),
            source__in=(Payment.Source.MANUAL, Payment.Source.CREDIT),
            undone_at__isnull=True,
        )
        .values("request")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(payments), Value(Decimal(0)), output_field=DecimalField())
