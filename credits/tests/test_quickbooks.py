"""A credit applied to a QuickBooks invoice: a negative line, QuickBooks' total the rest."""

from __future__ import annotations

from decimal import Decimal

from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from billing_saas.testing.quickbooks import connect_quickbooks
from credits.tests.conftest import credit, make_client, make_request
from payment_requests import services


def test_the_quickbooks_invoice_takes_the_credit_off_its_total(
    quickbooks_platform, alpha, mailoutbox, django_capture_on_commit_callbacks
):
    connection = connect_quickbooks(quickbooks_platform, alpha)
    ana = make_client(alpha)
    credit(alpha, ana, "30.00", currency="USD")
    draft = make_request(alpha, ana, "80.00", currency="USD")

    with django_capture_on_commit_callbacks(execute=True), schema_context(alpha.schema_name):
        item = services.send_request(draft.pk, actor=owner_of(alpha))

    company = quickbooks_platform.state.companies[connection.remote_account_id]
    invoice = company.objects["Invoice"][item.remote.remote_id]
    assert (invoice["TotalAmt"], invoice["Balance"]) == (50.0, 50.0)
    assert [(line["Description"], line["Amount"]) for line in invoice["Line"][1:2]] == [
        ("Credit note CR-00001", -30.0)
    ]
    assert (item.status, item.amount_paid, item.balance_due) == ("sent", 30, Decimal("50.00"))
