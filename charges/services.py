"""Adding and canceling charges, and following the documents that bill them."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing_saas.refusals import ActionRefused
from charges.models import Charge
from clients.models import Client
from payment_requests.totals import LineRefused, price_line

log = logging.getLogger(__name__)
State = Charge.State


def add_charge(*, client: Client, description: str, unit_price: Decimal, currency: str,
               due_date: date, quantity: Decimal = Decimal(1),
               source: str = Charge.Source.MANUAL, product=None, external_id: str = "",
               actor=None) -> tuple[Charge, bool]:  # fmt: skip
    """A new unbilled charge, priced like a document's line; ``(charge, created)``.

    The same ``external_id`` again returns the charge it made the first time (a booking tool
    that retries after a timeout adds nothing twice); a different charge under a known id is
    refused rather than silently dropped."""
    description = (description or "").strip()
    if not description:
        raise ActionRefused(_("Describe the charge."))
    try:
        line = price_line(description, quantity, unit_price, currency)
    except LineRefused as refused:
        raise ActionRefused(refused.message) from None
    if line.amount.amount <= 0:
        raise ActionRefused(_("The amount must be greater than zero."))
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


def _same_or_refused(known: Charge, fields: dict) -> Charge:
    same = (
        known.client_id == fields["client"].pk
        and known.amount == fields["amount"]
        and known.currency == fields["currency"]
        and known.due_date == fields["due_date"]
    )
    if not same:
        raise ActionRefused(
            _("A different charge was already added with the external id %(id)s.")
            % {"id": fields["external_id"]}
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
    never be paid (canceled, expired, a deleted draft). Runs in the request's transaction."""
    billed = Charge.objects.filter(request=request, state=State.BILLED)
    if paid:
        count = billed.update(state=State.PAID, paid_at=timezone.now())
    else:
        count = billed.update(state=State.UNBILLED, request=None, billed_at=None)
    if count:
        log.info("%s charges of request %s %s", count, request.pk, "paid" if paid else "released")
    return count
