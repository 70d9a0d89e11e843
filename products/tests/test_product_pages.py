"""The catalog's pages: the list, creating and editing a product, archiving and restoring."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member
from products.models import Product
from products.tests.conftest import make_product, make_rate
from tenants.models import Tenant


def post_product(owner_client, url="/billing/products/new/", **fields):
    data = {"name": "Logo design", "unit_price": "450", "currency": "EUR", "unit": "item"}
    return owner_client.post(url, {**data, **fields})


def test_the_catalog_lives_under_billing():
    assert reverse("products:list") == "/billing/products/"
    assert reverse("products:new") == "/billing/products/new/"
    assert reverse("products:edit", args=[7]) == "/billing/products/7/"


def test_the_menu_shows_products_and_services_after_clients(alpha, owner_client):
    page = owner_client.get("/billing/products/").content.decode()
    menu = page[page.index('class="menu"') :]
    assert menu.index("Clients") < menu.index("Products and services")
    assert 'href="/billing/products/" class="menu__link is-active"' in page


def test_a_new_product_is_saved_with_its_taxes_and_listed(alpha, owner_client):
    gst, qst = make_rate(alpha, "GST", "5"), make_rate(alpha, "QST", "9.975")
    response = post_product(
        owner_client, name="Café crème", unit_price="3,50", unit="item", tax_rates=[gst.pk, qst.pk]
    )
    assert response.status_code == 302
    page = owner_client.get("/billing/products/").content.decode()
    assert "Café crème" in page and "€3.50" in page and "/ item" in page
    assert "GST (5%), QST (9.975%)" in page
    with schema_context(alpha.schema_name):
        product = Product.objects.get(name="Café crème")
        assert product.unit_price == Decimal("3.50")
        assert set(product.tax_rates.values_list("name", flat=True)) == {"GST", "QST"}


def test_a_new_product_starts_in_the_currency_of_the_account_country(alpha, owner_client):
    Tenant.objects.filter(pk=alpha.pk).update(country="CA")
    form = owner_client.get("/billing/products/new/").content.decode()
    assert '<option value="CAD" selected>' in form


def test_editing_a_product_changes_it(alpha, owner_client):
    product = make_product(alpha)
    assert (
        "Edit Website design"
        in owner_client.get(f"/billing/products/{product.pk}/").content.decode()
    )
    post_product(
        owner_client, f"/billing/products/{product.pk}/", name="Web design", unit_price="95"
    )
    with schema_context(alpha.schema_name):
        product.refresh_from_db()
    assert (product.name, product.unit_price) == ("Web design", Decimal("95.00"))


def test_only_active_tax_rates_are_offered(alpha, owner_client):
    make_rate(alpha, "GST", "5")
    make_rate(alpha, "Old tax", "7", active=False)
    form = owner_client.get("/billing/products/new/").content.decode()
    assert "GST (5%)" in form and "Old tax" not in form


def test_a_negative_price_is_refused(alpha, owner_client):
    response = post_product(owner_client, unit_price="-5")
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    with schema_context(alpha.schema_name):
        assert not Product.objects.exists()


def test_yen_prices_have_no_decimals(alpha, owner_client):
    response = post_product(owner_client, unit_price="1200.50", currency="JPY")
    assert "A price in JPY has no decimals." in response.content.decode()
    assert post_product(owner_client, unit_price="1200", currency="JPY").status_code == 302


def test_an_unknown_or_inactive_tax_rate_is_refused(alpha, owner_client):
    inactive = make_rate(alpha, "Old tax", "7", active=False)
    for pk in (inactive.pk, 999999):
        response = post_product(owner_client, tax_rates=[pk])
        assert "Select a valid choice" in response.content.decode(), pk
    with schema_context(alpha.schema_name):
        assert not Product.objects.exists()


def test_archiving_moves_a_product_to_the_archived_list_and_restoring_brings_it_back(
    alpha, owner_client
):
    product = make_product(alpha, "Old service")
    response = owner_client.post(f"/billing/products/{product.pk}/archive/", follow=True)
    assert "Old service archived" in response.content.decode()
    assert (
        f'data-product="{product.pk}"'
        not in owner_client.get("/billing/products/").content.decode()
    )
    archived = owner_client.get("/billing/products/", {"show": "archived"}).content.decode()
    assert f'data-product="{product.pk}"' in archived
    owner_client.post(f"/billing/products/{product.pk}/restore/")
    active = owner_client.get("/billing/products/").content.decode()
    assert f'data-product="{product.pk}"' in active
    with schema_context(alpha.schema_name):
        product.refresh_from_db()
    assert not product.is_archived and product.archived_at is None


def test_archiving_needs_a_post(alpha, owner_client):
    product = make_product(alpha)
    assert owner_client.get(f"/billing/products/{product.pk}/archive/").status_code == 405


def test_employees_without_billing_access_are_refused(alpha):
    product = make_product(alpha)
    employee = client_on(alpha, make_member(alpha, "emma@alpha.example"))
    for url in ("/billing/products/", "/billing/products/new/", "/billing/products/suggestions/"):
        assert employee.get(url).status_code == 403, url
    assert employee.post(f"/billing/products/{product.pk}/archive/").status_code == 403
    assert (
        employee.post("/billing/products/inline/", {"name": "X", "unit_price": "1"}).status_code
        == 403
    )
    with schema_context(alpha.schema_name):
        assert Product.objects.count() == 1 and not Product.objects.get().is_archived


def test_another_accounts_product_is_not_found(alpha, beta, owner_client):
    theirs = make_product(beta, "Beta secret")
    with schema_context(alpha.schema_name):
        assert not Product.objects.filter(pk=theirs.pk).exists()
    assert owner_client.get(f"/billing/products/{theirs.pk}/").status_code == 404
    assert owner_client.post(f"/billing/products/{theirs.pk}/archive/").status_code == 404
