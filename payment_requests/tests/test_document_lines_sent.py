"""A request's lines and taxes reach the platform with our total, and the client's email and
pay page show them."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from billing_saas.testing.quickbooks import connect_quickbooks
from payment_requests import services
from payment_requests.models import TaxRate
from payment_requests.services.lines import LineDraft
from payment_requests.tests.conftest import link_from, make_client, send


def quebec_document(tenant, currency="CAD"):
    """1.5 h of design and 3 months of hosting less 5.00 (both with GST + QST), training."""
    with schema_context(tenant.schema_name):
        gst = TaxRate.objects.create(name="GST", rate=Decimal("5"))
        qst = TaxRate.objects.create(name="QST", rate=Decimal("9.975"))
        return services.create_request(
            actor=owner_of(tenant),
            description="November",
            client=make_client(tenant),
            currency=currency,
            due_date=timezone.localdate() + timezone.timedelta(days=14),
            lines=[
                LineDraft("Design work", Decimal("1.5"), Decimal("80"), None, (gst, qst)),
                LineDraft("Hosting", Decimal("3"), Decimal("25"), Decimal("5"), (gst, qst)),
                LineDraft("Training", Decimal("1"), Decimal("40")),
            ],
        )


def test_the_quickbooks_invoice_carries_our_lines_taxes_and_total(
    quickbooks_platform, alpha, mailoutbox, django_capture_on_commit_callbacks
):
    connection = connect_quickbooks(quickbooks_platform, alpha)
    draft = quebec_document(alpha)
    assert draft.amount == Decimal("258.45")

    item = send(alpha, draft.pk, django_capture_on_commit_callbacks)

    company = quickbooks_platform.state.companies[connection.remote_account_id]
    invoice = company.objects["Invoice"][item.remote.remote_id]
    sold = [
        (line["Description"], line["SalesItemLineDetail"]["Qty"], line["Amount"])
        for line in invoice["Line"]
        if line["DetailType"] == "SalesItemLineDetail"
    ]
    assert sold == [
        ("Design work", 1.5, 120.0),
        ("Hosting (3 × CA$25.00, less a CA$5.00 discount)", 1.0, 70.0),
        ("Training", 1.0, 40.0),
    ]
    taxes = [(tax["TaxLineDetail"]["TaxPercent"], tax["Amount"])
             for tax in invoice["TxnTaxDetail"]["TaxLine"]]  # fmt: skip
    assert taxes == [(5.0, 9.5), (9.975, 18.95)]
    assert invoice["TotalAmt"] == 258.45 and item.status == "sent"

    (mail,) = mailoutbox
    for shown in ("1.5 × CA$80.00 = CA$120.00", "QST (9.975%): CA$18.95", "CA$258.45"):
        assert shown in mail.body, shown
    assert "less CA$5.00" in mail.alternatives[0][0]
    page = client_on(alpha).get(urlsplit(link_from(mail)).path).content.decode()
    for shown in ("Design work", "GST (5%)", "CA$230.00", "CA$258.45"):
        assert shown in page, shown


def test_the_stripe_invoice_has_one_item_per_line_with_its_tax_rates(
    stripe_platform, alpha_billing, alpha, mailoutbox, django_capture_on_commit_callbacks
):
    draft = quebec_document(alpha)

    item = send(alpha, draft.pk, django_capture_on_commit_callbacks)

    account = stripe_platform.state.accounts[alpha_billing.remote_account_id]
    invoice = account.objects[item.remote.remote_id]
    assert invoice["total"] == 25845 and invoice["currency"] == "cad"
    items = [obj for obj in account.objects.values()  # in the order they were created
             if obj["object"] == "invoiceitem" and obj["invoice"] == invoice["id"]]  # fmt: skip
    assert [obj["amount"] for obj in items] == [12000, 7000, 4000]
    rates = [sorted(rate["display_name"] for rate in obj["tax_rates"]) for obj in items]
    assert rates == [["GST", "QST"], ["GST", "QST"], []]
    assert item.status == "sent"
