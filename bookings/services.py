"""Booking, completing and canceling appointments, and their charges."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing_saas.refusals import ActionRefused
from bookings.models import Booking
from charges.models import Charge
from charges.services import add_charge, cancel_charge
from payment_requests.services.common import current_tenant


def book(*, client, service, starts_at, actor=None) -> Booking:
    """The booking and, for a priced service, its charge: due on the appointment's day (in
    the account's time zone), one of the service at its catalog price. One transaction."""
    if service.is_archived:
        raise ActionRefused(_("This service is archived: it can no longer be booked."))
    with transaction.atomic():
        booking = Booking.objects.create(
            client=client, service=service, starts_at=starts_at, created_by=actor
        )
        if service.unit_price > 0:
            booking.charge, _created = add_charge(
                client=client,
                description=service.name,
                unit_price=service.unit_price,
                currency=service.currency,
                due_date=timezone.localdate(starts_at, current_tenant().tzinfo),
                source=Charge.Source.BOOKING,
                product=service,
                actor=actor,
            )
            booking.save(update_fields=["charge"])
    return booking


def complete(pk: int) -> Booking:
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=pk)
        if booking.status == Booking.Status.CANCELED:
            raise ActionRefused(_("This booking was canceled."))
        booking.status = Booking.Status.COMPLETED
        booking.save(update_fields=["status", "updated_at"])
    return booking


def cancel(pk: int) -> Booking:
    """Cancel the booking and its charge while it is unbilled; a billed charge stays with its
    document (cancel or edit that document to take it off)."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=pk)
        if booking.status == Booking.Status.CANCELED:
            return booking
        if booking.status == Booking.Status.COMPLETED:
            raise ActionRefused(_("This booking is completed: it can no longer be canceled."))
        booking.status = Booking.Status.CANCELED
        booking.save(update_fields=["status", "updated_at"])
        # Read the charge under its lock: a run billing it at this moment must either bill
        # it before we look (it stays billed) or find it canceled, never make cancel_charge
        # refuse, which would undo the whole cancelation.
        charge = Charge.objects.select_for_update().filter(pk=booking.charge_id).first()
        if charge is not None and charge.state == Charge.State.UNBILLED:
            booking.charge = cancel_charge(charge.pk)
        else:
            if charge is not None and charge.state == Charge.State.BILLED:
                # It stays on its document; if that document is never paid (canceled, a
                # deleted draft), the charge is canceled instead of billed again.
                charge.canceled_at = timezone.now()
                charge.save(update_fields=["canceled_at"])
            booking.charge = charge
    return booking
