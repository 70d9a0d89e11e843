"""The charges API: adding, reading, listing and canceling charges with an API key."""

from __future__ import annotations

from decimal import Decimal

import pytest

from charges.models import Charge
from charges.tests.api import Api, a_key
from charges.tests.conftest import a_charge, a_client, billed, charges_of


@pytest.fixture
def api(alpha):
    return Api(alpha, a_key(alpha))


def test_a_charge_added_by_email_is_answered_201_with_amounts_as_strings(alpha, api):
    ana = a_client(alpha)

    response = api.add(
        client_email="ANA.martin@clients.example", description="Haircut", quantity="2",
        unit_price="17.50", currency="eur", due_date="2026-12-01", source="booking",
    )  # fmt: skip

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["client_id"] == ana.pk and body["state"] == "unbilled"
    assert (body["quantity"], body["unit_price"], body["amount"]) == ("2", "17.50", "35.00")
    assert (body["currency"], body["due_date"], body["source"]) == ("EUR", "2026-12-01", "booking")
    [charge] = charges_of(alpha)
    assert charge.pk == body["id"] and charge.amount == Decimal("35.00")


def test_a_zero_decimal_currency_keeps_its_whole_amounts(alpha, api):
    ana = a_client(alpha)

    body = api.add(client_id=ana.pk, description="Tea", unit_price="1200", currency="JPY",
                   due_date="2026-12-01").json()  # fmt: skip

    assert (body["unit_price"], body["amount"], body["quantity"]) == ("1200", "1200", "1")


def test_the_same_external_id_again_is_the_same_charge_answered_200(alpha, api):
    ana = a_client(alpha)
    fields = dict(client_id=ana.pk, description="Cut", unit_price="30", currency="EUR",
                  due_date="2026-12-01", external_id="booking-77")  # fmt: skip

    first, again = api.add(**fields), api.add(**fields)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert len(charges_of(alpha)) == 1


def test_another_charge_under_a_known_external_id_is_a_conflict(alpha, api):
    ana = a_client(alpha)
    fields = dict(client_id=ana.pk, description="Cut", unit_price="30", currency="EUR",
                  due_date="2026-12-01", external_id="booking-77")  # fmt: skip
    api.add(**fields)

    response = api.add(**{**fields, "unit_price": "45"})

    assert response.status_code == 409
    assert response.json()["error"]["field"] == "external_id"
    assert [charge.amount for charge in charges_of(alpha)] == [Decimal("30.00")]


def test_a_charge_is_read_by_its_id(alpha, api):
    charge = a_charge(alpha, a_client(alpha), "35.00", description="Haircut")

    body = api.get(f"/api/v1/charges/{charge.pk}/").json()

    assert (body["id"], body["description"], body["amount"]) == (charge.pk, "Haircut", "35.00")
    assert api.get("/api/v1/charges/987654/").status_code == 404


def test_the_list_pages_with_a_cursor_and_filters_by_client_and_state(alpha, api):
    ana, bob = a_client(alpha, "Ana Martin"), a_client(alpha, "Bob Stone")
    mine = [a_charge(alpha, ana, description=f"Visit {number}") for number in range(3)]
    a_charge(alpha, bob, description="Bob's")
    billed(alpha, mine[2])

    first = api.get("/api/v1/charges/", client_id=ana.pk, limit=2).json()
    rest = api.get("/api/v1/charges/", client_id=ana.pk, limit=2,
                   starting_after=first["data"][-1]["id"]).json()  # fmt: skip
    unbilled = api.get("/api/v1/charges/", client_id=ana.pk, state="unbilled").json()

    assert [item["id"] for item in first["data"]] == [mine[0].pk, mine[1].pk]
    assert first["has_more"] is True
    assert [item["id"] for item in rest["data"]] == [mine[2].pk] and rest["has_more"] is False
    assert [item["id"] for item in unbilled["data"]] == [mine[0].pk, mine[1].pk]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"limit": "101"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"state": "lost"}, "state"),
        ({"client_id": "x"}, "client_id"),
        ({"starting_after": "-3"}, "starting_after"),
    ],
)
def test_list_parameters_out_of_range_are_refused(alpha, api, params, field):
    response = api.get("/api/v1/charges/", **params)

    assert response.status_code == 400 and response.json()["error"]["field"] == field


def test_canceling_an_unbilled_charge_through_the_api(alpha, api):
    charge = a_charge(alpha, a_client(alpha))

    response = api.post(f"/api/v1/charges/{charge.pk}/cancel/")

    assert response.status_code == 200 and response.json()["state"] == "canceled"
    assert charges_of(alpha)[0].state == Charge.State.CANCELED


def test_canceling_a_billed_charge_through_the_api_is_a_conflict(alpha, api):
    charge = billed(alpha, a_charge(alpha, a_client(alpha)))

    response = api.post(f"/api/v1/charges/{charge.pk}/cancel/")

    assert response.status_code == 409
    assert "cancel the document" in response.json()["error"]["message"]
    assert charges_of(alpha)[0].state == Charge.State.BILLED
