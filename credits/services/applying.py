"""A client's available credit, applied to an invoice as it is sent, and given back.

Every invoice that leaves goes through ``payment_requests.services.sending.send_request`` (a
team member's click, automated invoicing) or ``mark_sent``: both call ``apply_to`` in their
claim transaction, with the request locked. The credit notes it takes from are locked too, the
oldest first, so two invoices of one client sent at once never spend one credit twice. Each
application is a ``CreditApplication`` and a ``Payment`` of source *credit* on the invoice: its
``amount_paid`` counts it, so when the platform's payment of the rest arrives the request is
Paid by the code that always made it so.

``release`` gives the credit back: the application and its payment stay, marked
(``released_at``, ``undone_at``), so the history keeps them and every reader of payments
(which skips undone ones) no longer counts them.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing_saas import languages
from connectors.base import InvoiceLine, Money
from credits.models import CreditApplication, CreditNote
from payment_requests import states
from payment_requests.models import Payment, PaymentRequest, StatusChange

Status = PaymentRequest.Status
APPLIED = gettext_noop("Credit %(number)s applied: %(amount)s")
GIVEN_BACK = gettext_noop("Credit %(number)s given back: %(amount)s")


def live_applications(request: PaymentRequest):
    return CreditApplication.objects.filter(request=request, released_at__isnull=True)


def apply_to(request: PaymentRequest, source: str, actor=None) -> Decimal:
    """Apply the client's credit to the locked ``request`` (a draft being sent); the credit it
    now carries. Applied once: a retried send or a taken-over claim finds its applications
    and applies nothing more."""
    found = live_applications(request).aggregate(total=Sum("amount"))["total"]
    if found:
        return found
    due = request.amount - request.amount_paid
    applied = Decimal(0)
    now = timezone.now()
    notes = (
        CreditNote.objects.select_for_update()
        .filter(
            client_id=request.client_id,
            currency=request.currency,
            use=CreditNote.Use.APPLY,
            voided_at__isnull=True,
            amount__gt=F("amount_applied") + F("amount_refunded"),
        )
        .order_by("issued_at", "pk")
    )
    for note in notes:
        if due <= 0:
            break
        take = min(note.remaining, due)
        payment = Payment.objects.create(
            request=request,
            source=Payment.Source.CREDIT,
            amount=take,
            currency=request.currency,
            reference=note.number,
            paid_at=now,
        )
        CreditApplication.objects.create(
            credit_note=note, request=request, payment=payment, amount=take, applied_at=now
        )
        note.amount_applied += take
        note.save(update_fields=["amount_applied"])
        request.amount_paid += take
        params = {"number": note.number, "amount": str(take), "currency": request.currency}
        states.note(request, source, APPLIED, actor, **params)
        due -= take
        applied += take
    return applied


def settle_if_covered(request: PaymentRequest, source: str, actor=None, *, email: bool = True
                      ) -> bool:  # fmt: skip
    """A draft its credit pays in full is Sent and Paid at once, with no platform invoice
    (there is nothing to collect); the client gets the usual receipt (``email``)."""
    if request.amount_paid < request.amount:
        return False
    from payment_requests.services.emails import email_paid_later

    numbers = ", ".join(
        live_applications(request).order_by("pk").values_list("credit_note__number", flat=True)
    )
    request.sent_at = request.paid_at = timezone.now()
    request.sending_since = None
    request.last_error = ""
    if request.status == Status.DRAFT:  # marked sent by hand, it is Sent already
        states.move(
            request, Status.SENT, source, actor, note=gettext_noop("Sent, paid with credit")
        )
    note = gettext_noop("Paid with credit %(numbers)s")
    states.move(request, Status.PAID, source, actor, note=note, numbers=numbers)
    if email:
        email_paid_later(request.pk)
    return True


def release(request: PaymentRequest, source: str = StatusChange.Source.PLATFORM) -> Decimal:
    """Give back the credit applied to the locked ``request`` (canceled, expired, or refused
    by the platform): each credit note has it to use again. What was given back."""
    now = timezone.now()
    total = Decimal(0)
    applications = live_applications(request).select_for_update().select_related("payment")
    for application in applications.order_by("pk"):
        note = CreditNote.objects.select_for_update().get(pk=application.credit_note_id)
        note.amount_applied -= application.amount
        note.save(update_fields=["amount_applied"])
        application.released_at = now
        application.save(update_fields=["released_at"])
        Payment.objects.filter(pk=application.payment_id).update(undone_at=now)
        request.amount_paid = max(request.amount_paid - application.amount, Decimal(0))
        params = {"number": note.number, "amount": str(application.amount)}
        states.note(request, source, GIVEN_BACK, None, currency=request.currency, **params)
        total += application.amount
    return total


def invoice_credits(request: PaymentRequest) -> tuple[InvoiceLine, ...]:
    """The credit applied to ``request``, as the lines a platform takes off its total (in
    the client's language: the client reads them on the platform's invoice)."""
    lines = []
    with translation.override(languages.client_language(request.client)):
        for application in live_applications(request).select_related("credit_note"):
            money = Money(application.amount, request.currency)
            number = application.credit_note.number
            lines.append(
                InvoiceLine(
                    description=_("Credit note %(number)s") % {"number": number},
                    quantity=Decimal(1),
                    unit_price=money,
                    amount=money,
                    reference=number,
                )
            )
    return tuple(lines)
