"""Keyword search in the catalog: case and accents ignored, by PostgreSQL through a trigram
index (never a loop in Python), archived products never found."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django_tenants.utils import schema_context

from products.models import Product
from products.tests.conftest import make_product


def found(tenant, text) -> list[str]:
    with schema_context(tenant.schema_name):
        return list(Product.objects.active().matching(text).values_list("name", flat=True))


def test_search_ignores_case_and_accents_both_ways(alpha):
    make_product(alpha, "Café crème")
    make_product(alpha, "été indien", description="Stage d'été")
    make_product(alpha, "Plumbing")
    assert found(alpha, "cafe") == ["Café crème"]
    assert found(alpha, "CAFÉ CRÈME") == ["Café crème"]
    assert found(alpha, "ÉTÉ") == ["été indien"]
    assert found(alpha, "ete") == ["été indien"]


def test_every_word_must_be_found_in_the_name_or_the_description(alpha):
    make_product(alpha, "Logo", description="Vector files, trois propositions")
    make_product(alpha, "Logo animé")
    assert found(alpha, "logo proposition") == ["Logo"]
    assert sorted(found(alpha, "logo")) == ["Logo", "Logo animé"]


def test_search_text_is_matched_literally(alpha):
    make_product(alpha, "100% wool")
    make_product(alpha, "1000 wool")
    assert found(alpha, "100%") == ["100% wool"]
    assert found(alpha, "_") == []


def test_archived_products_are_never_found(alpha, owner_client):
    make_product(alpha, "Café gourmand", is_archived=True)
    make_product(alpha, "Café allongé")
    assert found(alpha, "cafe") == ["Café allongé"]
    page = owner_client.get("/billing/products/", {"q": "cafe"}).content.decode()
    assert "Café allongé" in page and "gourmand" not in page
    suggested = owner_client.get("/billing/products/suggestions/", {"q": "cafe"}).json()
    assert [product["name"] for product in suggested["products"]] == ["Café allongé"]


def test_the_list_searches_by_keyword(alpha, owner_client):
    make_product(alpha, "Crème brûlée")
    make_product(alpha, "Espresso")
    page = owner_client.get("/billing/products/", {"q": "BRULEE"}).content.decode()
    assert "Crème brûlée" in page and "Espresso" not in page


def test_the_search_uses_the_trigram_index(alpha):
    with schema_context(alpha.schema_name):
        Product.objects.bulk_create(
            Product(name=f"Service {n:05}", unit_price=Decimal(n), currency="EUR")
            for n in range(3000)
        )
        make_product(alpha, "Café crème")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE products_product")
            # Tiny tables are cheaper to read whole: make the planner show it can use the index.
            cursor.execute("SET LOCAL enable_seqscan = off")
        rows = Product.objects.active().matching("cafe")
        plan = rows.explain()
        assert list(rows.values_list("name", flat=True)) == ["Café crème"]
    assert "product_name_trgm" in plan and "product_description_trgm" in plan, plan
    assert "Seq Scan" not in plan, plan
