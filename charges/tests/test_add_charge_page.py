"""Adding a charge by hand: the form, its defaults, and what it refuses."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_tenants.utils import schema_context

from charges.models import Charge
from charges.tests.conftest import a_client, charges_of
from products.models import Product
from tenants.models import Tenant


def post_charge(owner_client, **fields):
    data = {
        "client": "",
        "description": "Colouring",
        "quantity": "1",
        "unit_price": "45",
        "currency": "EUR",
        "due_date": timezone.localdate().isoformat(),
        "source": "manual",
        **fields,
    }
    return owner_client.post("/billing/charges/new/", data)


def test_a_charge_added_by_hand_is_unbilled_and_shown_on_the_clients_payments(alpha, owner_client):
    ana = a_client(alpha)

    response = post_charge(
        owner_client, client=ana.pk, quantity="2", unit_price="12,50", source="package"
    )

    assert response.status_code == 302
    assert response["Location"] == f"/billing/clients/{ana.pk}/payments/"
    [charge] = charges_of(alpha)
    assert (charge.client_id, charge.amount, charge.source) == (ana.pk, Decimal("25.00"), "package")
    assert charge.state == Charge.State.UNBILLED
    assert "Colouring" in owner_client.get(response["Location"]).content.decode()


def test_the_form_starts_with_today_in_the_accounts_time_zone_and_the_picked_client(
    alpha, owner_client
):
    # At any hour, one of these two is on another day than UTC: the account's must be used.
    now = timezone.now()
    zone = "Pacific/Kiritimati" if now.hour >= 12 else "Pacific/Pago_Pago"
    Tenant.objects.filter(pk=alpha.pk).update(time_zone=zone)
    there = timezone.localdate(now, ZoneInfo(zone))
    assert there != now.date()
    ana = a_client(alpha, preferred_currency="CHF")

    form = owner_client.get(f"/billing/charges/new/?client={ana.pk}").content.decode()

    assert f'value="{there.isoformat()}"' in form
    assert f'name="client" value="{ana.pk}"' in form and 'value="Ana Martin"' in form
    assert '<option value="CHF" selected>' in form


def test_a_product_without_description_nor_price_lends_its_own(alpha, owner_client):
    with schema_context(alpha.schema_name):
        product = Product.objects.create(name="Beard trim", unit_price=Decimal("1500"),
                                         currency="JPY")  # fmt: skip
    ana = a_client(alpha)

    response = post_charge(
        owner_client, client=ana.pk, product=product.pk, description="", unit_price=""
    )

    assert response.status_code == 302
    [charge] = charges_of(alpha)
    assert (charge.description, charge.amount, charge.currency) == (
        "Beard trim", Decimal("1500"), "JPY",
    )  # fmt: skip
    assert charge.product_id == product.pk


def test_the_form_says_what_to_correct_and_adds_nothing(alpha, owner_client):
    ana = a_client(alpha)
    cases = [
        ({"client": ""}, "Choose the client who owes this."),
        ({"client": ana.pk, "description": ""}, "Describe the charge, or choose it from"),
        ({"client": ana.pk, "unit_price": ""}, "Enter the unit price."),
        ({"client": ana.pk, "unit_price": "abc"}, "Enter a number"),
        ({"client": ana.pk, "quantity": "0"}, "The quantity must be greater than zero."),
        ({"client": ana.pk, "unit_price": "0"}, "The amount must be greater than zero."),
        ({"client": ana.pk, "unit_price": "12.5", "currency": "JPY"}, "cannot have that many"),
        ({"client": ana.pk, "currency": "XYZ"}, "Select a valid choice"),
        ({"client": ana.pk, "source": "booking"}, "Select a valid choice"),
        ({"client": ana.pk, "due_date": "2026-02-30"}, "Enter a valid date"),
        ({"client": ana.pk, "unit_price": "99999999999"}, "Ensure that there are no more"),
    ]
    for fields, message in cases:
        response = post_charge(owner_client, **fields)
        assert response.status_code == 200, fields
        assert message in response.content.decode(), fields
    assert charges_of(alpha) == []
