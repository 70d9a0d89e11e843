"""New quote and Edit draft: the client picked or new, lines typed or added from the catalog
(or from a product made on the spot), the total, Save or Save and send."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member
from clients.models import Client
from products.models import Product
from quotes import services
from quotes.models import Quote


def valid_until(days=30) -> str:
    return (services.account_today() + timedelta(days=days)).isoformat()


def quote_data(client_pk="", action="save", **extra) -> dict:
    data = {
        "client": client_pk,
        "title": "Kitchen",
        "currency": "EUR",
        "valid_until": valid_until(),
        "notes": "",
        "action": action,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Tiling",
        "lines-0-quantity": "2",
        "lines-0-unit_price": "150",
    }
    data.update(extra)
    return data


def ana(alpha) -> Client:
    with schema_context(alpha.schema_name):
        return Client.objects.create(name="Ana", email="ana@client.test")


def test_the_new_quote_opens_valid_for_thirty_days(alpha, owner_client):
    page = owner_client.get("/billing/quotes/new/").content.decode()
    assert f'value="{valid_until(30)}"' in page
    assert "Save and send" in page and "New product or service" in page


def test_saving_a_draft_keeps_its_lines_and_total(alpha, owner_client):
    client = ana(alpha)
    response = owner_client.post("/billing/quotes/new/", quote_data(client.pk))

    with schema_context(alpha.schema_name):
        quote = Quote.objects.get()
        assert response["Location"] == f"/billing/quotes/{quote.pk}/"
        assert (quote.status, quote.number, quote.total) == ("draft", None, Decimal("300.00"))
        assert [line.description for line in quote.lines.all()] == ["Tiling"]


def test_the_total_is_shown_before_saving(alpha, owner_client):
    client = ana(alpha)
    page = owner_client.post(
        "/billing/quotes/new/",
        quote_data(client.pk, "recalculate", **{"lines-0-quantity": "3"}),
    )
    assert "€450.00" in page.content.decode()
    with schema_context(alpha.schema_name):
        assert not Quote.objects.exists()


def test_adding_a_product_fills_a_line_with_its_price_unit_and_taxes(alpha, owner_client, catalog):
    client = ana(alpha)
    data = quote_data(client.pk, "add_product", add_product=catalog.pk)
    data.update({"lines-0-description": "", "lines-0-unit_price": "", "lines-0-quantity": "1"})
    page = owner_client.post("/billing/quotes/new/", data).content.decode()
    assert 'value="Brand workshop"' in page and "per day" in page

    # Saved as shown: the product's line, its tax, its link to the product.
    saved = owner_client.post("/billing/quotes/new/", {
        **data, "action": "save", "add_product": "",
        "lines-0-description": "Brand workshop", "lines-0-unit_price": "450.00",
        "lines-0-product": str(catalog.pk), "lines-0-unit": "day",
        "lines-0-taxes": [str(rate.pk) for rate in catalog.tax_rates.all()],
    })  # fmt: skip
    assert saved.status_code == 302
    with schema_context(alpha.schema_name):
        line = Quote.objects.get().lines.get()
        assert (line.product_id, line.unit, line.amount) == (catalog.pk, "day", Decimal("450.00"))
        assert [tax.name for tax in line.applied_taxes.all()] == ["GST"]
        assert Quote.objects.get().total == Decimal("472.50")


def test_a_product_in_another_currency_is_refused(alpha, owner_client, catalog):
    client = ana(alpha)
    data = quote_data(client.pk, "add_product", add_product=catalog.pk, currency="CAD")
    page = owner_client.post("/billing/quotes/new/", data).content.decode()
    assert "Brand workshop is priced in EUR; this quote is in CAD." in page


def test_a_new_product_made_in_the_builder_joins_the_catalog_and_the_quote(alpha, owner_client):
    client = ana(alpha)
    data = quote_data(client.pk, "new_product")
    data.update({"product-name": "Grout sealing", "product-unit_price": "35", "product-unit": "m2"})
    page = owner_client.post("/billing/quotes/new/", data).content.decode()

    assert "Grout sealing added to your catalog and to this quote." in page
    assert 'value="Grout sealing"' in page and 'value="Tiling"' in page
    assert "€335.00" in page  # the total, with both lines
    with schema_context(alpha.schema_name):
        product = Product.objects.get()
        assert (product.name, product.currency, product.unit) == ("Grout sealing", "EUR", "m2")


def test_a_new_client_is_created_with_the_quote(alpha, owner_client):
    data = quote_data("", new_client_name="Bo", new_client_email="bo@client.test")
    assert owner_client.post("/billing/quotes/new/", data).status_code == 302
    with schema_context(alpha.schema_name):
        assert Quote.objects.get().client.email == "bo@client.test"


def test_a_validity_date_in_the_past_is_refused(alpha, owner_client):
    client = ana(alpha)
    data = quote_data(client.pk, valid_until=valid_until(-1))
    assert "The validity date cannot be in the past." in (
        owner_client.post("/billing/quotes/new/", data).content.decode()
    )


def test_editing_a_draft_replaces_its_lines_and_a_sent_quote_is_locked(
    alpha, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    client = ana(alpha)
    owner_client.post("/billing/quotes/new/", quote_data(client.pk))
    with schema_context(alpha.schema_name):
        quote = Quote.objects.get()
    edit = f"/billing/quotes/{quote.pk}/edit/"
    assert 'value="Tiling"' in owner_client.get(edit).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        data = quote_data(client.pk, "send", **{"lines-0-unit_price": "99"})
        sent = owner_client.post(edit, data, follow=True)
    assert "Quote Q-00001 sent to ana@client.test." in sent.content.decode()
    with schema_context(alpha.schema_name):
        quote.refresh_from_db()
        assert (quote.status, quote.total) == ("sent", Decimal("198.00"))
    assert len(mailoutbox) == 1
    locked = owner_client.get(edit, follow=True).content.decode()
    assert "This quote was sent: it can no longer change." in locked


def test_an_employee_without_billing_access_is_refused_everywhere(alpha):
    employee = make_member(alpha, "emma@alpha.example")
    browser = client_on(alpha, employee)
    for path in ("/billing/quotes/", "/billing/quotes/new/"):
        assert browser.get(path).status_code in (302, 403)


def test_the_quotes_menu_entry_follows_client_billing(alpha, owner_client):
    page = owner_client.get("/billing/quotes/").content.decode()
    assert page.index("Client Billing") < page.index(">Quotes<") < page.index(">Clients<")


def test_the_builder_searches_the_catalog_and_keeps_the_list_without_javascript(
    alpha, owner_client, catalog
):
    page = owner_client.get("/billing/quotes/new/").content.decode()
    # The search (shown by its script) asks the catalog's suggestions as one types…
    assert 'data-product-search data-url="/billing/products/suggestions/"' in page
    assert "Find in your catalog" in page and "js/product-search.js" in page
    # …and posts what the select posts, which stays for browsers without JavaScript.
    assert f'<option value="{catalog.pk}">Brand workshop</option>' in page
    assert 'name="action" value="add_product"' in page
