"""Billing's list of charges: states, client filter, order, pages, totals and canceling."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member
from charges.models import Charge
from charges.tests.conftest import a_charge, a_client, billed


def test_the_list_lives_under_billing():
    assert reverse("charges:list") == "/billing/charges/"
    assert reverse("charges:new") == "/billing/charges/new/"


def test_unbilled_charges_are_shown_by_default_with_their_client_and_totals(alpha, owner_client):
    ana, bob = a_client(alpha, "Ana Martin"), a_client(alpha, "Bob Stone")
    a_charge(alpha, ana, "35.00", description="Haircut")
    a_charge(alpha, bob, "12.50", description="Shampoo")
    a_charge(alpha, bob, "1200", currency="JPY", description="Tea ceremony")
    billed(alpha, a_charge(alpha, ana, "99.00", description="Billed colouring"))

    page = owner_client.get("/billing/charges/").content.decode()

    assert "Haircut" in page and "Shampoo" in page and "Tea ceremony" in page
    assert "Billed colouring" not in page
    assert f'href="/billing/clients/{ana.pk}/"' in page
    assert 'data-total="EUR">€47.50<' in page
    assert 'data-total="JPY">¥1,200<' in page
    assert "Add a charge" in page


def test_the_state_filter_shows_billed_paid_canceled_or_all(alpha, owner_client):
    ana = a_client(alpha)
    a_charge(alpha, ana, description="Still unbilled")
    document = billed(alpha, a_charge(alpha, ana, description="In a draft")).request
    billed(alpha, a_charge(alpha, ana, description="Settled"), paid=True)
    with schema_context(alpha.schema_name):
        Charge.objects.create(
            client=ana, description="Dropped", unit_price=5, amount=5, currency="EUR",
            due_date=timezone.localdate(), state=Charge.State.CANCELED,
        )  # fmt: skip

    def shown(state):
        return owner_client.get(f"/billing/charges/?state={state}").content.decode()

    assert "In a draft" in shown("billed") and "Still unbilled" not in shown("billed")
    assert f'href="/billing/requests/{document.pk}/"' in shown("billed")
    assert "Settled" in shown("paid") and "In a draft" not in shown("paid")
    assert "Dropped" in shown("canceled") and "Settled" not in shown("canceled")
    everything = shown("all")
    for text in ("Still unbilled", "In a draft", "Settled", "Dropped"):
        assert text in everything
    assert "Still unbilled" in shown("nonsense")  # an unknown state: the default


def test_the_client_filter_keeps_one_clients_charges(alpha, owner_client):
    ana, bob = a_client(alpha, "Ana Martin"), a_client(alpha, "Bob Stone")
    a_charge(alpha, ana, description="Ana cut")
    a_charge(alpha, bob, description="Bob shave")

    by_pick = owner_client.get(f"/billing/charges/?client={bob.pk}").content.decode()
    by_typing = owner_client.get("/billing/charges/?client_name=ana").content.decode()

    assert "Bob shave" in by_pick and "Ana cut" not in by_pick
    assert "Ana cut" in by_typing and "Bob shave" not in by_typing


def test_charges_come_by_due_date_earliest_first_or_latest_first(alpha, owner_client):
    ana = a_client(alpha)
    today = timezone.localdate()
    a_charge(alpha, ana, due=today + timedelta(days=3), description="Later one")
    a_charge(alpha, ana, due=today - timedelta(days=3), description="Earlier one")

    earliest = owner_client.get("/billing/charges/").content.decode()
    latest = owner_client.get("/billing/charges/?order=latest").content.decode()

    assert earliest.index("Earlier one") < earliest.index("Later one")
    assert latest.index("Later one") < latest.index("Earlier one")


def test_a_past_due_unbilled_charge_says_overdue(alpha, owner_client):
    ana = a_client(alpha)
    a_charge(alpha, ana, due=timezone.localdate() - timedelta(days=2), description="Late")

    page = owner_client.get("/billing/charges/").content.decode()

    assert "overdue</span>" in page


def test_the_list_has_pages_of_25(alpha, owner_client):
    ana = a_client(alpha)
    for number in range(27):
        a_charge(alpha, ana, description=f"Visit {number:02d}")

    first = owner_client.get("/billing/charges/").content.decode()
    second = owner_client.get("/billing/charges/?page=2").content.decode()

    assert first.count("data-charge=") == 25 and "Page 1 of 2" in first
    assert second.count("data-charge=") == 2 and "Visit 26" in second


def test_canceling_an_unbilled_charge_takes_it_off_the_list(alpha, owner_client):
    charge = a_charge(alpha, a_client(alpha), description="Mistake")

    response = owner_client.post(
        f"/billing/charges/{charge.pk}/cancel/", {"next": "/billing/charges/?state=all"}
    )

    assert response.status_code == 302 and response["Location"] == "/billing/charges/?state=all"
    with schema_context(alpha.schema_name):
        assert Charge.objects.get(pk=charge.pk).state == Charge.State.CANCELED
    page = owner_client.get("/billing/charges/").content.decode()
    assert "“Mistake” canceled" in page and f'data-charge="{charge.pk}"' not in page


def test_canceling_a_billed_charge_is_refused_and_changes_nothing(alpha, owner_client):
    charge = billed(alpha, a_charge(alpha, a_client(alpha), description="Billed"))

    response = owner_client.post(f"/billing/charges/{charge.pk}/cancel/", follow=True)

    assert "cancel the document that bills it instead" in response.content.decode()
    with schema_context(alpha.schema_name):
        assert Charge.objects.get(pk=charge.pk).state == Charge.State.BILLED


def test_cancel_goes_back_only_to_a_page_of_this_site(alpha, owner_client):
    charge = a_charge(alpha, a_client(alpha))

    response = owner_client.post(
        f"/billing/charges/{charge.pk}/cancel/", {"next": "https://evil.example/"}
    )

    assert response["Location"] == "/billing/charges/"


def test_cancel_needs_a_post(alpha, owner_client):
    charge = a_charge(alpha, a_client(alpha))

    assert owner_client.get(f"/billing/charges/{charge.pk}/cancel/").status_code == 405


def test_employees_without_billing_access_cannot_see_the_charges(alpha):
    employee = make_member(alpha, "emma@alpha.example")

    assert client_on(alpha, employee).get("/billing/charges/").status_code == 403
