"""The staff's pages: write a recurring invoice (lines with taxes, from the catalog), see it in
the list with its amount and schedule, pause, resume and stop it; Client Billing only."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member
from payment_requests.models import TaxRate
from products.models import Product
from recurring import services
from recurring.models import RecurringInvoice
from recurring.tests.conftest import a_client, a_recurring

Status = RecurringInvoice.Status


def today() -> date:
    return services.account_today()


def form_data(client_pk, action="save", **extra) -> dict:
    data = {
        "client": client_pk,
        "description": "Website hosting",
        "currency": "EUR",
        "frequency": "monthly",
        "start_on": (today() + timedelta(days=3)).isoformat(),
        "hour": "9",
        "due_days": "14",
        "cycles": "12",
        "action": action,
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Hosting",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "100",
        "lines-1-description": "Support",
        "lines-1-quantity": "2",
        "lines-1-unit_price": "25,50",
    }
    data.update(extra)
    return data


@pytest.fixture
def ann(alpha):
    with schema_context(alpha.schema_name):
        return a_client()


def test_a_recurring_invoice_with_lines_and_taxes_shows_its_amount_in_the_list(
    alpha, owner_client, ann
):
    with schema_context(alpha.schema_name):
        vat = TaxRate.objects.create(name="VAT", rate=Decimal("20"))
    response = owner_client.post(
        "/billing/recurring/new/", form_data(ann.pk, **{"lines-0-taxes": [vat.pk]})
    )

    with schema_context(alpha.schema_name):
        recurring = RecurringInvoice.objects.get()
        assert response["Location"] == f"/billing/recurring/{recurring.pk}/"
        # 100 + 20% VAT, and 2 × 25.50 untaxed.
        assert (recurring.subtotal, recurring.tax_total, recurring.total) == (
            Decimal("151.00"),
            Decimal("20.00"),
            Decimal("171.00"),
        )
        assert [line.description for line in recurring.lines.all()] == ["Hosting", "Support"]
        assert (recurring.status, recurring.next_send_on) == (Status.ACTIVE, recurring.start_on)
    page = owner_client.get("/billing/recurring/").content.decode()
    assert "€171.00" in page and "Ann Lee" in page and "Monthly" in page and ">12<" in page
    detail = owner_client.get(f"/billing/recurring/{recurring.pk}/").content.decode()
    assert "VAT" in detail and "Website hosting" in detail


def test_a_product_from_the_catalog_becomes_a_line(alpha, owner_client, ann):
    with schema_context(alpha.schema_name):
        product = Product.objects.create(name="Brand workshop", unit_price=Decimal("480"))
    data = form_data(ann.pk, "add_product", add_product=product.pk)
    data.update({"lines-TOTAL_FORMS": "1", "lines-0-description": "", "lines-0-unit_price": ""})
    page = owner_client.post("/billing/recurring/new/", data).content.decode()
    assert 'value="Brand workshop"' in page and "data-product-search" in page
    with schema_context(alpha.schema_name):
        assert not RecurringInvoice.objects.exists()


def test_endless_and_past_start_dates(alpha, owner_client, ann):
    past = form_data(ann.pk, start_on=(today() - timedelta(days=1)).isoformat())
    page = owner_client.post("/billing/recurring/new/", past).content.decode()
    assert "The start date cannot be in the past." in page

    owner_client.post("/billing/recurring/new/", form_data(ann.pk, cycles=""))
    assert "Endless" in owner_client.get("/billing/recurring/").content.decode()


def test_editing_changes_the_lines_and_the_schedule(alpha, owner_client, ann):
    with schema_context(alpha.schema_name):
        recurring = a_recurring(alpha, ann, today())
    data = form_data(ann.pk, frequency="weekly", **{"lines-1-unit_price": "50"})
    response = owner_client.post(f"/billing/recurring/{recurring.pk}/edit/", data)
    assert response.status_code == 302
    with schema_context(alpha.schema_name):
        recurring.refresh_from_db()
        assert (recurring.total, recurring.frequency) == (Decimal("200.00"), "weekly")
        assert recurring.next_send_on == today() + timedelta(days=3)


def test_pause_resume_and_stop_from_its_page(alpha, owner_client, ann):
    with schema_context(alpha.schema_name):
        recurring = a_recurring(alpha, ann, today() + timedelta(days=2))
    url = f"/billing/recurring/{recurring.pk}/"
    owner_client.post(url + "pause/")
    assert 'data-status="paused"' in owner_client.get(url).content.decode()
    paused = owner_client.get("/billing/recurring/?status=paused").content.decode()
    assert f'data-recurring="{recurring.pk}"' in paused
    assert (
        f'data-recurring="{recurring.pk}"'
        not in owner_client.get("/billing/recurring/?status=active").content.decode()
    )
    owner_client.post(url + "resume/")
    assert 'data-status="active"' in owner_client.get(url).content.decode()
    owner_client.post(url + "stop/")
    page = owner_client.get(url).content.decode()
    assert 'data-status="finished"' in page and "Finished: no more invoices." in page
    assert owner_client.get(url + "edit/")["Location"] == url  # a finished one cannot change


def test_only_people_with_client_billing_see_the_pages(alpha, owner_client, ann):
    employee = client_on(alpha, make_member(alpha, "eve@alpha.example"))  # not given access
    with schema_context(alpha.schema_name):
        recurring = a_recurring(alpha, ann, today())
    for url in (
        "/billing/recurring/",
        "/billing/recurring/new/",
        f"/billing/recurring/{recurring.pk}/",
    ):
        assert client_on(alpha).get(url).status_code == 302  # signed out: to the sign-in page
        assert employee.get(url).status_code == 403
    assert employee.post(f"/billing/recurring/{recurring.pk}/stop/").status_code == 403
    with schema_context(alpha.schema_name):
        assert RecurringInvoice.objects.get().status == Status.ACTIVE
