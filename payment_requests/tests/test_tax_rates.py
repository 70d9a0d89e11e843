"""Billing administrators keep the account's tax rates; a deactivated rate is no longer
offered on new lines, and documents priced with a rate keep it as it was."""

from __future__ import annotations

from decimal import Decimal

from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member
from payment_requests.models import TaxRate
from payment_requests.services.lines import LineDraft
from payment_requests.tests.conftest import make_request


def test_an_administrator_adds_a_rate_with_three_decimals(alpha, owner_client):
    page = owner_client.post(
        "/billing/settings/taxes/", {"action": "add", "name": "QST", "rate": "9,975"}, follow=True
    )  # a comma or a point: a rate is never in thousands
    assert "QST (9.975%) added." in page.content.decode()
    with schema_context(alpha.schema_name):
        rate = TaxRate.objects.get()
    assert (rate.name, rate.rate, rate.active) == ("QST", Decimal("9.975"), True)
    assert "QST" in owner_client.get("/billing/requests/new/").content.decode()


def test_a_rate_above_100_or_with_four_decimals_is_refused(alpha, owner_client):
    for typed in ("101", "9.9751"):
        page = owner_client.post(
            "/billing/settings/taxes/", {"action": "add", "name": "X", "rate": typed}
        )
        assert page.status_code == 200 and 'class="field__error"' in page.content.decode()
    with schema_context(alpha.schema_name):
        assert not TaxRate.objects.exists()


def test_a_deactivated_rate_leaves_new_lines_but_not_the_documents_that_have_it(
    alpha, owner_client
):
    with schema_context(alpha.schema_name):
        gst = TaxRate.objects.create(name="GST", rate=Decimal("5"))
    draft = make_request(
        alpha, lines=[LineDraft("Audit", Decimal(1), Decimal("100"), None, (gst,))]
    )
    owner_client.post("/billing/settings/taxes/", {"action": "deactivate", "tax_rate": gst.pk})
    owner_client.get("/billing/settings/taxes/")  # shows (and clears) "no longer offered"

    assert 'name="lines-0-taxes"' not in owner_client.get("/billing/requests/new/").content.decode()
    edit = owner_client.get(f"/billing/requests/{draft.pk}/edit/").content.decode()
    assert "GST (5%)" in edit  # still offered where it is applied
    with schema_context(alpha.schema_name):
        TaxRate.objects.filter(pk=gst.pk).update(rate=Decimal("7"))  # edited later
        assert draft.__class__.objects.get(pk=draft.pk).amount == Decimal("105.00")
    panel = owner_client.get(f"/billing/?open={draft.pk}").content.decode()
    assert "GST (5%)" in panel and "€105.00" in panel


def test_employees_cannot_manage_tax_rates(alpha):
    employee = make_member(alpha, "emma@alpha.example")
    response = client_on(alpha, employee).post(
        "/billing/settings/taxes/", {"action": "add", "name": "GST", "rate": "5"}
    )
    assert response.status_code in (302, 403)
    with schema_context(alpha.schema_name):
        assert not TaxRate.objects.exists()
