"""Adding and canceling charges, and following the documents that bill them."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing_saas.currencies import CURRENCY_CODES
from billing_saas.refusals import ActionRefused
from charges.models import Charge
from clients.models import Client
from payment_requests.totals import LineRefused, price_line

log = logging.getLogger(__name__)
State = Charge.State
# What the columns hold (Charge: 12 digits, 3 decimals for quantities, 2 for amounts). A
# charge's amount stays well under a document's largest total (``DOCUMENT_MAX``), so that
# with its taxes it always fits in the document that bills it.
MAX_QUANTITY = Decimal("999999999")
MAX_AMOUNT = Decimal("99999999")
# The largest total a document's columns hold (PaymentRequest.amount: 12 digits, 2 decimals).
DOCUMENT_MAX = Decimal("9999999999.99")


class ChargeRefused(ActionRefused):
    """A charge that cannot be added; ``field`` names what to correct (blank: the whole)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class ExternalIdTaken(ChargeRefused):
    """A different charge was already added under this external id."""


def add_charge(*, client: Client, description: str, unit_price: Decimal, currency: str,
               due_date: date, quantity: Decimal = Decimal(1),
               source: str = Charge.Source.MANUAL, product=None, external_id: str = "",
               actor=None) -> tuple[Charge, bool]:  # fmt: skip
    """A new unbilled charge, priced like a document's line; ``(charge, created)``.

    The same ``external_id`` again returns the charge it made the first time (a booking tool
    that retries after a timeout adds nothing twice); a different charge under a known id is
    refused rather than silently dropped."""
    description = (description or "").strip()
    if isinstance(quantity, int) and not isinstance(quantity, bool):
        quantity = Decimal(quantity)
    line = _priced(description, quantity, unit_price, currency, source, external_id)
    fields = dict(
        client=client,
        description=description[:300],
        quantity=quantity,
        unit_price=unit_price,
        amount=line.amount.amount,
        currency=currency,
        due_date=due_date,
        source=source,
        product=product,
        external_id=external_id,
        created_by=actor,
    )
    if external_id:
        known = Charge.objects.filter(external_id=external_id).first()
        if known is not None:
            return _same_or_refused(known, fields), False
    try:
        with transaction.atomic():
            return Charge.objects.create(**fields), True
    except IntegrityError:  # the same id, added by a concurrent call
        known = Charge.objects.filter(external_id=external_id).first() if external_id else None
        if known is None:
            raise
        return _same_or_refused(known, fields), False


def _priced(description, quantity, unit_price, currency, source, external_id):
    """The charge's line, or the first thing to correct (every caller gets the same rules:
    the form, the API, bookings)."""
    if not description:
        raise ChargeRefused(_("Describe the charge."), "description")
    if currency not in CURRENCY_CODES:
        raise ChargeRefused(_("Choose one of the currencies you bill in."), "currency")
    if source not in Charge.Source.values:
        raise ChargeRefused(_("Choose where the charge comes from."), "source")
    if len(external_id) > Charge._meta.get_field("external_id").max_length:
        raise ChargeRefused(_("The external id is at most 100 characters."), "external_id")
    for field, value, limit in (
        ("quantity", quantity, MAX_QUANTITY),
        ("unit_price", unit_price, MAX_AMOUNT),
    ):
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ChargeRefused(_("Enter a number, for example 1250.50."), field)
        if abs(value) > limit:
            raise ChargeRefused(_("This number is too large."), field)
    if quantity.as_tuple().exponent < -3 and quantity != quantity.quantize(Decimal("0.001")):
        raise ChargeRefused(_("A quantity has at most three decimals."), "quantity")
    try:
        line = price_line(description, quantity, unit_price, currency)
    except LineRefused as refused:
        raise ChargeRefused(refused.message, refused.field) from None
    if line.amount.amount <= 0:
        raise ChargeRefused(_("The amount must be greater than zero."), "unit_price")
    if line.amount.amount > MAX_AMOUNT:
        raise ChargeRefused(_("The amount is too large."), "unit_price")
    return line


def _same_or_refused(known: Charge, fields: dict) -> Charge:
    same = (
        known.client_id == fields["client"].pk
        and known.amount == fields["amount"]
        and known.currency == fields["currency"]
        and known.due_date == fields["due_date"]
    )
    if not same:
        raise ExternalIdTaken(
            _("A different charge was already added with the external id %(id)s.")
            % {"id": fields["external_id"]},
            "external_id",
        )
    return known


def cancel_charge(pk: int) -> Charge:
    """Cancel an unbilled charge; a billed one is the document's now (cancel that instead)."""
    with transaction.atomic():
        charge = Charge.objects.select_for_update().get(pk=pk)
        if charge.state == State.CANCELED:
            return charge
        if charge.state != State.UNBILLED:
            raise ActionRefused(
                _("This charge is already billed: cancel the document that bills it instead.")
            )
        charge.state = State.CANCELED
        charge.canceled_at = timezone.now()
        charge.save(update_fields=["state", "canceled_at"])
    return charge


def follow_settled_request(request, paid: bool) -> int:
    """The charges billed by ``request`` are paid with it, or billed again later when it will
    never be paid (canceled, expired, a deleted draft). Runs in the request's transaction.

    A charge whose source was canceled while it was billed (its booking) is canceled rather
    than billed again. Money that still arrives for a request after it gave its charges back
    (a link paid as it expired, a void that lost the race) pays those charges wherever they
    are: still unbilled, they are paid and never billed again; billed meanwhile on another
    document, that document's history says so, for staff to cancel it."""
    now = timezone.now()
    billed = Charge.objects.filter(request=request, state=State.BILLED)
    if paid:
        count = billed.update(state=State.PAID, paid_at=now)
        count += _paid_after_release(request, now)
    else:
        canceled = billed.filter(canceled_at__isnull=False).update(
            state=State.CANCELED, request=None, released_from=request
        )
        count = canceled + billed.update(
            state=State.UNBILLED, request=None, billed_at=None, released_from=request
        )
    if count:
        log.info("%s charges of request %s %s", count, request.pk, "paid" if paid else "released")
    return count


def follow_reopened_request(request) -> int:
    """A payment of ``request`` was undone: the charges it paid are billed (owed) again."""
    return Charge.objects.filter(request=request, state=State.PAID).update(
        state=State.BILLED, paid_at=None
    )


def _paid_after_release(request, now) -> int:
    released = Charge.objects.filter(released_from=request)
    paid = released.filter(state=State.UNBILLED).update(
        state=State.PAID, request=request, paid_at=now
    )
    rebilled = {
        pk
        for pk in released.filter(state=State.BILLED).values_list("request_id", flat=True)
        if pk != request.pk
    }
    if rebilled:
        from payment_requests import states
        from payment_requests.models import PaymentRequest, StatusChange

        log.warning("request %s paid after its charges went to %s", request.pk, rebilled)
        for other in PaymentRequest.objects.filter(pk__in=rebilled):
            states.note(
                other,
                StatusChange.Source.PLATFORM,
                gettext_noop(
                    "Some of its charges were paid with %(number)s after it was canceled or "
                    "expired: cancel this one, or edit it, so they are not paid twice."
                ),
                number=request.number or str(request.pk),
            )
    return paid


def bills_charges(request) -> str:
    """Why a draft's client and currency cannot change: its lines are these charges."""
    if Charge.objects.filter(request=request).exists():
        return _(
            "This draft bills its client's charges: its client and currency cannot change. "
            "Delete it to give the charges back, then bill them again."
        )
    return ""
