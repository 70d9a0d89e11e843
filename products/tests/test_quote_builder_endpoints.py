"""What the quote builder asks of the catalog: suggestions as one types, and the "+" that
creates a product without leaving the quote (JSON both)."""

from __future__ import annotations

from django_tenants.utils import schema_context

from products.models import Product
from products.tests.conftest import make_product, make_rate
from tenants.members.models import User


def test_suggestions_give_what_a_line_needs(alpha, owner_client):
    gst = make_rate(alpha, "GST", "5")
    product = make_product(
        alpha, "Coaching séance", price="1250.50", currency="CAD", unit="hour", tax_rates=[gst]
    )
    answer = owner_client.get("/billing/products/suggestions/", {"q": "seance"}).json()
    assert answer == {
        "products": [
            {
                "id": product.pk,
                "name": "Coaching séance",
                "description": "",
                "unit_price": "1250.50",
                "unit_price_display": "CA$1,250.50",
                "currency": "CAD",
                "unit": "hour",
                "unit_label": "hour",
                "tax_rate_ids": [gst.pk],
            }
        ]
    }


def test_suggestions_are_written_the_readers_way(alpha, owner_client):
    make_product(alpha, "Conseil", price="1250.50")
    with schema_context(alpha.schema_name):
        User.objects.filter(email=alpha.owner_email).update(language="fr")
    answer = owner_client.get("/billing/products/suggestions/", {"q": "conseil"}).json()
    shown = answer["products"][0]["unit_price_display"]
    assert " ".join(shown.split()) == "1 250,50 €"  # grouped by a (narrow) no-break space


def test_suggestions_stop_after_a_few(alpha, owner_client):
    for n in range(12):
        make_product(alpha, f"Zed {n:02}")
    answer = owner_client.get("/billing/products/suggestions/", {"q": "zed"}).json()
    assert [p["name"] for p in answer["products"]] == [f"Zed {n:02}" for n in range(8)]


def test_the_plus_creates_a_product_and_answers_with_it(alpha, owner_client):
    gst = make_rate(alpha, "GST", "5")
    response = owner_client.post(
        "/billing/products/inline/",
        {"name": "Été à Paris", "unit_price": "12,5", "currency": "EUR", "tax_rates": [gst.pk]},
    )
    assert response.status_code == 201
    created = response.json()
    assert created["name"] == "Été à Paris" and created["unit_price"] == "12.50"
    assert created["tax_rate_ids"] == [gst.pk]
    with schema_context(alpha.schema_name):
        assert Product.objects.get(pk=created["id"]).name == "Été à Paris"
    found = owner_client.get("/billing/products/suggestions/", {"q": "ete"}).json()
    assert [p["id"] for p in found["products"]] == [created["id"]]


def test_the_plus_without_a_currency_uses_the_accounts(alpha, owner_client):
    response = owner_client.post(
        "/billing/products/inline/", {"name": "Audit", "unit_price": "900"}
    )
    assert response.status_code == 201 and response.json()["currency"] == "EUR"


def test_the_plus_with_a_mistake_says_which_field_and_creates_nothing(alpha, owner_client):
    response = owner_client.post(
        "/billing/products/inline/",
        {"name": "", "unit_price": "10.5", "currency": "JPY", "tax_rates": ["424242"]},
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"name", "unit_price", "tax_rates"}
    assert errors["unit_price"][0]["message"] == "A price in JPY has no decimals."
    with schema_context(alpha.schema_name):
        assert not Product.objects.exists()


def test_the_plus_only_answers_posts(alpha, owner_client):
    assert owner_client.get("/billing/products/inline/").status_code == 405
