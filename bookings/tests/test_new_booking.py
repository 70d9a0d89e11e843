"""The new-booking page: the client, a service of the catalog, a day and time on the
account's clock; the charge it makes, said in the message; what it refuses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member
from billing_saas.testing.twins import skip_ahead
from bookings.models import Booking
from bookings.tests.conftest import a_client, a_service, in_zone
from charges.models import Charge
from clients.models import Client
from products.models import Product

URL = "/billing/bookings/new/"


def book(page, client, service, day, time="09:30", **extra):
    fields = {"client": client.pk, "service": service.pk, "date": day, "time": time}
    return page.post(URL, {**fields, **extra}, follow=True)


def nothing_booked(tenant) -> bool:
    with schema_context(tenant.schema_name):
        return not Booking.objects.exists() and not Charge.objects.exists()


@pytest.fixture
def soon():
    return timezone.localdate() + timedelta(days=3)


def test_booking_a_priced_service_says_its_charge_was_created(alpha, owner_client, soon):
    client, service = a_client(alpha), a_service(alpha, price="35.00")
    response = book(owner_client, client, service, soon.isoformat(), "14:00")
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/billing/bookings/"
    assert "Haircut booked for Ana Martin" in page
    assert "A charge of €35.00 was created" in page
    with schema_context(alpha.schema_name):
        booking = Booking.objects.get()
        assert booking.created_by.email == "owner@alpha.example"
        assert booking.charge.due_date == soon


def test_booking_a_free_service_says_no_charge_was_created(alpha, owner_client, soon):
    free = a_service(alpha, "Consultation", price="0")
    page = book(owner_client, a_client(alpha), free, soon.isoformat()).content.decode()
    assert "This service has no price: no charge was created." in page
    with schema_context(alpha.schema_name):
        assert Booking.objects.count() == 1 and not Charge.objects.exists()


def test_the_time_is_read_on_the_accounts_clock_and_stored_in_utc(alpha, owner_client, march_2026):
    in_zone(alpha, "Pacific/Auckland")
    book(owner_client, a_client(alpha), a_service(alpha), "2026-03-10", "08:00")
    with schema_context(alpha.schema_name):
        booking = Booking.objects.get()
        assert booking.starts_at == datetime(2026, 3, 9, 19, 0, tzinfo=UTC)
        assert booking.charge.due_date == date(2026, 3, 10)


def test_a_past_day_is_allowed_for_a_walk_in_and_listed_with_the_past(alpha, owner_client):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = book(owner_client, a_client(alpha), a_service(alpha), yesterday.isoformat())
    assert response.redirect_chain[-1][0] == "/billing/bookings/?show=past"
    assert 'data-label="Service">Haircut' in response.content.decode()
    with schema_context(alpha.schema_name):
        assert Booking.objects.get().charge.due_date == yesterday


def test_the_form_starts_with_the_client_asked_for_and_only_active_services(alpha, owner_client):
    client = a_client(alpha, "Zoé Durand")
    a_service(alpha, "Colour", price="60", unit="session")
    a_service(alpha, "Old perm", is_archived=True)
    page = owner_client.get(f"{URL}?client={client.pk}").content.decode()
    assert 'value="Zoé Durand"' in page and f'value="{client.pk}"' in page
    assert "Colour — €60.00 / session" in page
    assert "Old perm" not in page
    assert "Europe/Paris" in page  # the zone the time is read in


@pytest.mark.parametrize(
    ("day", "time", "error"),
    [
        ("", "10:00", "Enter the day."),
        ("2026-02-30", "10:00", "Enter a date."),
        ("10/03/2026x", "10:00", "Enter a date."),
        ("0001-01-01", "10:00", "up to a year back"),
        ("9999-12-31", "10:00", "up to two years ahead"),
        ("{today}", "", "Enter the time."),
        ("{today}", "25:61", "Enter a time."),
    ],
)
def test_bad_days_and_times_are_refused_and_nothing_is_booked(
    alpha, owner_client, day, time, error
):
    day = day.format(today=timezone.localdate().isoformat())
    response = book(owner_client, a_client(alpha), a_service(alpha), day, time)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert nothing_booked(alpha)


def test_a_time_the_clocks_skip_is_refused(alpha, owner_client, march_2026):
    in_zone(alpha, "Europe/Paris")  # on March 29, 2026 the clocks go from 02:00 to 03:00
    response = book(owner_client, a_client(alpha), a_service(alpha), "2026-03-29", "02:30")
    assert "This time does not exist on that day in Europe/Paris" in response.content.decode()
    assert nothing_booked(alpha)


def test_an_archived_service_is_refused(alpha, owner_client):
    archived = a_service(alpha, "Old perm", is_archived=True)
    response = book(owner_client, a_client(alpha), archived, timezone.localdate().isoformat())
    assert "archived ones can no longer be booked" in response.content.decode()
    assert nothing_booked(alpha)


def test_another_accounts_client_and_service_are_refused(alpha, beta, owner_client):
    # Beta's ids are ones alpha never handed out: only a lookup in the wrong schema finds them.
    skip_ahead(Client, beta, [alpha])
    skip_ahead(Product, beta, [alpha])
    theirs_client, theirs_service = a_client(beta, "Bea Beta"), a_service(beta, "Beta cut")
    a_client(alpha), a_service(alpha)
    day = timezone.localdate().isoformat()
    page = book(owner_client, theirs_client, theirs_service, day).content.decode()
    assert "Choose one of your clients." in page
    assert "Choose a service of your catalog" in page
    assert "Bea Beta" not in page and "Beta cut" not in page
    assert nothing_booked(alpha) and nothing_booked(beta)


def test_missing_client_and_service_are_asked_for(alpha, owner_client):
    response = owner_client.post(URL, {"date": timezone.localdate().isoformat(), "time": "9:00"})
    page = response.content.decode()
    assert "Choose a client." in page and "Choose a service." in page
    assert nothing_booked(alpha)


def test_employees_without_billing_access_are_refused(alpha):
    employee = client_on(alpha, make_member(alpha, "emma@alpha.example"))
    client, service = a_client(alpha), a_service(alpha)
    assert employee.get(URL).status_code == 403
    assert employee.get("/billing/bookings/").status_code == 403
    response = book(employee, client, service, timezone.localdate().isoformat())
    assert response.status_code == 403
    assert nothing_booked(alpha)


def test_visitors_are_sent_to_sign_in(alpha):
    response = client_on(alpha).get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
