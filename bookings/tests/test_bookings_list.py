"""The bookings list: upcoming first, the other periods, the status and client filters, pages;
each booking's time, price and charge as the reader writes them; Complete and Cancel."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from bookings.models import Booking
from bookings.tests.conftest import a_booking, a_client, a_service, billed, in_zone, local
from charges.models import Charge
from tenants.members.models import User

URL = "/billing/bookings/"


def rows(page: str) -> list[str]:
    """The services of the rows, in their order (each test books different ones)."""
    body = page[page.index("<tbody>") : page.index("</tbody>")] if "<tbody>" in page else ""
    return [part.split("</td>")[0] for part in body.split('data-label="Service">')[1:]]


def in_days(days: int, hour: int = 10) -> datetime:
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def test_bookings_come_after_quotes_in_the_menu(alpha, owner_client):
    page = owner_client.get(URL).content.decode()
    menu = page[page.index('class="menu"') :]
    assert menu.index("Quotes") < menu.index("Bookings") < menu.index("Clients")
    assert 'href="/billing/bookings/" class="menu__link is-active"' in page


def test_upcoming_bookings_come_first_soonest_first_and_past_ones_apart(alpha, owner_client):
    client = a_client(alpha)
    for name, days in (("Later", 9), ("Soon", 1), ("Gone", -3), ("Older", -20)):
        a_booking(alpha, client, a_service(alpha, name), in_days(days))
    dropped = a_booking(alpha, client, a_service(alpha, "Dropped"), in_days(2))
    with schema_context(alpha.schema_name):
        from bookings import services

        services.cancel(dropped.pk)

    assert rows(owner_client.get(URL).content.decode()) == ["Soon", "Later"]
    assert rows(owner_client.get(URL + "?show=past").content.decode()) == ["Gone", "Older"]
    assert rows(owner_client.get(URL + "?show=canceled").content.decode()) == ["Dropped"]
    everything = rows(owner_client.get(URL + "?show=all").content.decode())
    assert everything == ["Later", "Dropped", "Soon", "Gone", "Older"]


def test_this_mornings_bookings_are_still_upcoming_to_be_completed(alpha, owner_client, march_2026):
    in_zone(alpha, "Europe/Paris")  # 13:00 there on March 1, 2026
    client = a_client(alpha)
    a_booking(alpha, client, a_service(alpha, "This morning"), local(alpha, 2026, 3, 1, 8))
    a_booking(alpha, client, a_service(alpha, "Last night"), local(alpha, 2026, 2, 28, 23))
    assert rows(owner_client.get(URL).content.decode()) == ["This morning"]
    assert rows(owner_client.get(URL + "?show=past").content.decode()) == ["Last night"]


def test_the_status_filter_and_the_client_search(alpha, owner_client):
    ana, zoe = a_client(alpha, "Ana Martin"), a_client(alpha, "Zoé Durand", company="Salon Z")
    done = a_booking(alpha, ana, a_service(alpha, "Done cut"), in_days(-1))
    a_booking(alpha, ana, a_service(alpha, "Missed cut"), in_days(-2))
    a_booking(alpha, zoe, a_service(alpha, "Zoe colour"), in_days(3))
    with schema_context(alpha.schema_name):
        from bookings import services

        services.complete(done.pk)

    completed = owner_client.get(URL + "?show=all&status=completed").content.decode()
    assert rows(completed) == ["Done cut"]
    assert rows(owner_client.get(URL + "?show=all&q=salon").content.decode()) == ["Zoe colour"]
    assert rows(owner_client.get(URL + "?show=all&q=MARTIN").content.decode()) == [
        "Done cut",
        "Missed cut",
    ]
    nothing = owner_client.get(URL + "?show=all&q=nobody").content.decode()
    assert "No booking matches" in nothing
    # Unknown values fall back to the defaults rather than fail.
    assert owner_client.get(URL + "?show=x&status=y&page=zz").status_code == 200


def test_bookings_come_25_to_a_page_and_the_pages_keep_the_filters(alpha, owner_client):
    client, service = a_client(alpha), a_service(alpha)
    for hour in range(27):
        a_booking(alpha, client, service, in_days(1 + hour))
    first = owner_client.get(URL + "?show=upcoming&q=ana").content.decode()
    assert len(rows(first)) == 25 and "Page 1 of 2" in first
    assert "?show=upcoming&amp;q=ana&amp;page=2" in first
    second = owner_client.get(URL + "?show=upcoming&q=ana&page=2").content.decode()
    assert len(rows(second)) == 2


def test_each_row_shows_time_client_price_status_and_charge(alpha, owner_client):
    in_zone(alpha, "Pacific/Auckland")
    client = a_client(alpha, company="Studio A")
    soon = in_days(2).astimezone(local(alpha, 2026, 1, 1).tzinfo).replace(hour=9, minute=30)
    booking = a_booking(alpha, client, a_service(alpha, price="35.00"), soon)
    a_booking(alpha, client, a_service(alpha, "Consultation", price="0"), soon + timedelta(hours=1))
    page = owner_client.get(URL).content.decode()
    row = page[page.index(f'data-booking="{booking.pk}"') :]
    assert "9:30 a.m." in row.split("</td>")[0]  # on the account's clock, not UTC's
    assert f'href="/billing/clients/{client.pk}/"' in row and "Studio A" in row
    assert "€35.00" in row and "Booked" in row and "Unbilled" in row
    assert "Free" in page and "No charge" in page


def test_a_billed_charge_links_to_its_document_and_a_paid_one_says_paid(alpha, owner_client):
    booking = a_booking(alpha)
    charge = billed(alpha, booking)
    page = owner_client.get(URL).content.decode()
    assert f'href="/billing/requests/{charge.request_id}/"' in page and ">Billed</a>" in page
    with schema_context(alpha.schema_name):
        Charge.objects.filter(pk=charge.pk).update(state=Charge.State.PAID)
    assert ">Paid</a>" in owner_client.get(URL).content.decode()


def test_dates_and_amounts_read_in_french_for_a_french_member(alpha, owner_client):
    in_zone(alpha, "Europe/Paris")
    when = local(alpha, *(timezone.localdate() + timedelta(days=5)).timetuple()[:3], 14, 15)
    a_booking(alpha, service=a_service(alpha, price="1234.50"), starts_at=when)
    with schema_context(alpha.schema_name):
        User.objects.filter(email="owner@alpha.example").update(language="fr")
    page = owner_client.get(URL).content.decode()
    assert "1\u202f234,50\xa0€" in page
    assert "14:15" in page
    from django.utils import formats, translation

    with translation.override("fr"):
        assert formats.date_format(when, "DATE_FORMAT") in page  # "1 décembre 2026"


def test_completing_a_booking_says_so_and_keeps_the_list_where_it_was(alpha, owner_client):
    booking = a_booking(alpha)
    page = owner_client.get(URL + "?show=all&q=ana&evil=1").content.decode()
    back = page.split('name="back" value="')[1].split('"')[0].replace("&amp;", "&")
    response = owner_client.post(f"{URL}{booking.pk}/complete/", {"back": back})
    assert response["Location"] == f"{URL}?show=all&q=ana"
    page = owner_client.get(response["Location"]).content.decode()
    assert "Haircut for Ana Martin is completed." in page
    with schema_context(alpha.schema_name):
        assert Booking.objects.get().status == Booking.Status.COMPLETED


def test_the_cancel_confirmation_says_what_becomes_of_the_charge(alpha, owner_client):
    unbilled = a_booking(alpha, service=a_service(alpha, "Unbilled cut"))
    on_invoice = a_booking(alpha, service=a_service(alpha, "Billed cut"), starts_at=in_days(4))
    document = billed(alpha, on_invoice).request
    page = owner_client.get(URL).content.decode()
    first = page[page.index(f'data-booking="{unbilled.pk}"') :]
    assert "Its unbilled charge of €35.00 is canceled with it." in first.split("</tr>")[0]
    second = page[page.index(f'data-booking="{on_invoice.pk}"') :]
    assert f"already billed on “{document}”: it stays on that document" in second.split("</tr>")[0]


def test_canceling_says_the_unbilled_charge_is_canceled_with_it(alpha, owner_client):
    booking = a_booking(alpha)
    response = owner_client.post(f"{URL}{booking.pk}/cancel/", follow=True)
    assert "Booking canceled, and its unbilled charge of €35.00 with it." in (
        response.content.decode()
    )
    with schema_context(alpha.schema_name):
        assert Charge.objects.get().state == Charge.State.CANCELED


def test_canceling_a_booking_whose_charge_is_billed_says_it_stays_billed(alpha, owner_client):
    booking = a_booking(alpha)
    charge = billed(alpha, booking)
    page = owner_client.post(f"{URL}{booking.pk}/cancel/", follow=True).content.decode()
    assert "Booking canceled. Its charge of €35.00 is already billed on" in page
    assert "cancel or edit that document to take it off" in page
    with schema_context(alpha.schema_name):
        charge.refresh_from_db()
        assert charge.state == Charge.State.BILLED
        assert Booking.objects.get().status == Booking.Status.CANCELED


def test_a_completed_booking_cannot_be_canceled_from_the_list(alpha, owner_client):
    booking = a_booking(alpha)
    owner_client.post(f"{URL}{booking.pk}/complete/")
    page = owner_client.post(f"{URL}{booking.pk}/cancel/", follow=True).content.decode()
    assert "This booking is completed: it can no longer be canceled." in page
    with schema_context(alpha.schema_name):
        assert Charge.objects.get().state == Charge.State.UNBILLED


def test_actions_need_a_post_and_a_booking_of_this_account(alpha, owner_client):
    booking = a_booking(alpha)
    assert owner_client.get(f"{URL}{booking.pk}/cancel/").status_code == 405
    assert owner_client.post(f"{URL}{booking.pk + 1000}/cancel/").status_code == 404
    with schema_context(alpha.schema_name):
        assert Booking.objects.get().status == Booking.Status.BOOKED
