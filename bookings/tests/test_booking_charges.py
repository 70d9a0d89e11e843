"""Booking a service makes its charge; completing and canceling a booking, and what becomes
of the charge (bookings/services.py)."""

from __future__ import annotations

from datetime import UTC, date
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from billing_saas.refusals import ActionRefused
from bookings import services
from bookings.models import Booking
from bookings.tests.conftest import (
    a_booking,
    a_client,
    a_service,
    billed,
    in_zone,
    local,
)
from charges.models import Charge


@pytest.mark.parametrize(
    ("zone", "wall", "utc_day"),
    [
        # 08:00 on March 10 in Auckland (UTC+13) is still March 9 in UTC.
        ("Pacific/Auckland", (2026, 3, 10, 8, 0), date(2026, 3, 9)),
        # 20:00 on March 10 in Honolulu (UTC-10) is already March 11 in UTC.
        ("Pacific/Honolulu", (2026, 3, 10, 20, 0), date(2026, 3, 11)),
    ],
)
def test_a_priced_service_makes_one_unbilled_charge_due_on_the_local_day(
    alpha, zone, wall, utc_day
):
    in_zone(alpha, zone)
    client = a_client(alpha)
    starts_at = local(alpha, *wall)
    assert starts_at.astimezone(UTC).date() == utc_day

    booking = a_booking(alpha, client, a_service(alpha, price="35.00"), starts_at)

    with schema_context(alpha.schema_name):
        [charge] = Charge.objects.filter(client=client)
        assert booking.charge == charge
        assert charge.state == Charge.State.UNBILLED
        assert charge.source == Charge.Source.BOOKING
        assert (charge.description, charge.amount, charge.currency) == (
            "Haircut",
            Decimal("35.00"),
            "EUR",
        )
        assert charge.due_date == date(2026, 3, 10)


def test_a_yen_service_is_charged_in_whole_yen(alpha):
    booking = a_booking(alpha, service=a_service(alpha, "Massage", price="6500", currency="JPY"))
    assert (booking.charge.amount, booking.charge.currency) == (Decimal("6500"), "JPY")


def test_a_free_service_makes_no_charge(alpha):
    client = a_client(alpha)
    booking = a_booking(alpha, client, a_service(alpha, "Consultation", price="0"))
    with schema_context(alpha.schema_name):
        assert booking.charge is None
        assert not Charge.objects.filter(client=client).exists()
        assert Booking.objects.get().status == Booking.Status.BOOKED


def test_an_archived_service_cannot_be_booked(alpha):
    client, service = a_client(alpha), a_service(alpha, is_archived=True)
    with pytest.raises(ActionRefused, match="archived"):
        a_booking(alpha, client, service)
    with schema_context(alpha.schema_name):
        assert not Booking.objects.exists() and not Charge.objects.exists()


def test_canceling_a_booking_cancels_its_unbilled_charge(alpha):
    booking = a_booking(alpha)
    with schema_context(alpha.schema_name):
        canceled = services.cancel(booking.pk)
        assert canceled.status == Booking.Status.CANCELED
        charge = Charge.objects.get(pk=booking.charge_id)
        assert charge.state == Charge.State.CANCELED and charge.canceled_at is not None


def test_canceling_a_booking_leaves_a_billed_charge_on_its_document(alpha):
    booking = a_booking(alpha)
    document = billed(alpha, booking).request_id
    with schema_context(alpha.schema_name):
        canceled = services.cancel(booking.pk)
        assert canceled.status == Booking.Status.CANCELED
        charge = Charge.objects.get(pk=booking.charge_id)
        assert (charge.state, charge.request_id) == (Charge.State.BILLED, document)
        # Marked: should its document never be paid, the charge is canceled, not billed again.
        assert charge.canceled_at is not None


def test_canceling_twice_changes_nothing_the_second_time(alpha):
    booking = a_booking(alpha)
    with schema_context(alpha.schema_name):
        services.cancel(booking.pk)
        again = services.cancel(booking.pk)
        assert again.status == Booking.Status.CANCELED


def test_completing_a_booking_keeps_its_charge_unbilled(alpha):
    booking = a_booking(alpha)
    with schema_context(alpha.schema_name):
        completed = services.complete(booking.pk)
        assert completed.status == Booking.Status.COMPLETED
        assert Charge.objects.get(pk=booking.charge_id).state == Charge.State.UNBILLED


def test_a_completed_booking_cannot_be_canceled_nor_a_canceled_one_completed(alpha):
    done, dropped = a_booking(alpha), a_booking(alpha)
    with schema_context(alpha.schema_name):
        services.complete(done.pk)
        services.cancel(dropped.pk)
        with pytest.raises(ActionRefused, match="completed"):
            services.cancel(done.pk)
        with pytest.raises(ActionRefused, match="canceled"):
            services.complete(dropped.pk)
        assert Charge.objects.get(pk=done.charge_id).state == Charge.State.UNBILLED
