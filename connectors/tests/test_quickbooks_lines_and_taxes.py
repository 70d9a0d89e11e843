"""QuickBooks invoices carry our lines, quantities, discounts and taxes (Canada's GST + QST
through QuickBooks' tax codes), and QuickBooks' total is ours or nothing is sent."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
import requests
from django_tenants.utils import schema_context

from billing_saas.testing.quickbooks import connect_quickbooks
from connectors.base import ClientRef, InvoiceLine, InvoiceRequest, Money, PlatformError, TaxLine
from connectors.registry import platform_for


def cad(amount: str) -> Money:
    return Money(Decimal(amount), "CAD")


def quebec_taxes(amount: str, gst: str, qst: str) -> tuple[TaxLine, ...]:
    return (
        TaxLine("GST", Decimal("5"), cad(gst)),
        TaxLine("QST", Decimal("9.975"), cad(qst)),
    )


def three_lines(local_id=1, total="258.45") -> InvoiceRequest:
    """1.5 h of design (taxed), 3 months of hosting less 5.00 (taxed), training (untaxed)."""
    lines = (
        InvoiceLine("Design work", Decimal("1.5"), cad("80.00"), cad("120.00"),
                    quebec_taxes("120.00", "6.00", "11.97")),
        InvoiceLine("Hosting", Decimal("3"), cad("25.00"), cad("70.00"),
                    quebec_taxes("70.00", "3.50", "6.98"), discount=cad("5.00")),
        InvoiceLine("Training", Decimal("1"), cad("40.00"), cad("40.00")),
    )  # fmt: skip
    return InvoiceRequest(
        local_id=local_id,
        idempotency_key=f"request:{local_id}:send:1",
        number=f"INV-{local_id:05d}",
        description="November",
        total=cad(total),
        due_date=date(2030, 11, 26),
        client=ClientRef(local_id, "Dana Client", "dana@client.test", language="en"),
        lines=lines,
    )


@pytest.fixture
def books(quickbooks_platform, alpha):
    connection = connect_quickbooks(quickbooks_platform, alpha)
    with schema_context(alpha.schema_name):
        yield platform_for(connection)


def company_of(emulator, books):
    return emulator.state.companies[books.realm]


def sold_lines(invoice):
    return [
        (
            line["Description"],
            line["SalesItemLineDetail"]["Qty"],
            line["SalesItemLineDetail"]["UnitPrice"],
            line["Amount"],
            line["SalesItemLineDetail"]["TaxCodeRef"]["value"],
        )
        for line in invoice["Line"]
        if line["DetailType"] == "SalesItemLineDetail"
    ]


def taxes_of(invoice):
    return [
        (
            tax["TaxLineDetail"]["TaxRateRef"]["name"],
            tax["TaxLineDetail"]["TaxPercent"],
            tax["TaxLineDetail"]["NetAmountTaxable"],
            tax["Amount"],
        )
        for tax in invoice["TxnTaxDetail"]["TaxLine"]
    ]


def names(company, kind, field="Name"):
    return sorted(obj[field] for obj in company.objects.get(kind, {}).values())


def test_three_lines_with_gst_and_qst_reach_quickbooks_with_its_total_ours(
    quickbooks_platform, books
):
    remote = books.create_and_send_invoice(three_lines())
    company = company_of(quickbooks_platform, books)
    invoice = company.objects["Invoice"][remote.remote_id]
    codes = {code["Name"]: code["Id"] for code in company.objects["TaxCode"].values()}
    quebec, exempt = codes["GST 5% + QST 9.975%"], codes["Exempt"]
    assert sold_lines(invoice) == [
        ("Design work", 1.5, 80.0, 120.0, quebec),
        # QuickBooks discounts whole invoices only: the line goes at its net amount.
        ("Hosting (3 × CA$25.00, less a CA$5.00 discount)", 1.0, 70.0, 70.0, quebec),
        ("Training", 1.0, 40.0, 40.0, exempt),
    ]
    assert taxes_of(invoice) == [("GST 5%", 5.0, 190.0, 9.5), ("QST 9.975%", 9.975, 190.0, 18.95)]
    assert invoice["TxnTaxDetail"]["TotalTax"] == 28.45
    assert invoice["TotalAmt"] == invoice["Balance"] == 258.45
    assert remote.amount_due == cad("258.45") and invoice["EmailStatus"] == "EmailSent"


def test_the_pay_page_shows_each_line_the_taxes_and_the_total(books):
    url = books.create_and_send_invoice(three_lines()).pay_url
    english = requests.get(url, timeout=5).text
    for shown in (
        "<td>Design work</td><td class='num'>1.5</td><td class='num'>CA$80.00</td>"
        "<td class='num'>CA$120.00</td>",
        "<td colspan='3'>Subtotal</td><td class='num'>CA$230.00</td>",
        "<td colspan='3'>GST 5% on CA$190.00</td><td class='num'>CA$9.50</td>",
        "<td colspan='3'>QST 9.975% on CA$190.00</td><td class='num'>CA$18.95</td>",
        "<strong>Total</strong></td><td class='num'><strong>CA$258.45</strong>",
    ):
        assert shown in english
    french = requests.get(url, headers={"Accept-Language": "fr-CA"}, timeout=5).text
    for shown in (
        "<th class=num>Qté</th><th class=num>Taux</th><th class=num>Montant</th>",
        "<td class='num'>1,5</td><td class='num'>80,00\xa0$</td>",
        "<td colspan='3'>Sous-total</td><td class='num'>230,00\xa0$</td>",
        "<td colspan='3'>QST 9.975% sur 190,00\xa0$</td><td class='num'>18,95\xa0$</td>",
        "<strong>258,45\xa0$</strong>",
    ):
        assert shown in french
    assert not any(word in french for word in ("Subtotal", "Qty", " on ", "CA$230"))


def test_tax_codes_and_rates_are_created_once_and_reused(quickbooks_platform, books):
    first = books.create_and_send_invoice(three_lines(1))
    second = books.create_and_send_invoice(three_lines(2))
    gst_only = replace(
        three_lines(3, total="126.00"),
        lines=(InvoiceLine("Audit", Decimal("1"), cad("120.00"), cad("120.00"),
                           (TaxLine("GST", Decimal("5.000"), cad("6.00")),)),),
    )  # fmt: skip
    books.create_and_send_invoice(gst_only)
    company = company_of(quickbooks_platform, books)
    invoices = company.objects["Invoice"]
    assert sold_lines(invoices[first.remote_id]) == sold_lines(invoices[second.remote_id])
    assert names(company, "TaxCode") == ["Exempt", "GST 5%", "GST 5% + QST 9.975%"]
    assert names(company, "TaxRate") == ["Exempt", "GST 5%", "QST 9.975%"]  # GST 5% reused
    assert names(company, "TaxAgency", "DisplayName") == ["GST", "QST"]


def test_an_invoice_quickbooks_adds_up_differently_is_deleted_not_sent(quickbooks_platform, books):
    off_by_a_cent = three_lines(total="258.46")
    with pytest.raises(PlatformError) as refused:
        books.create_and_send_invoice(off_by_a_cent)
    assert refused.value.code == "total_mismatch"
    assert "CA$258.45 instead of CA$258.46" in refused.value.message
    company = company_of(quickbooks_platform, books)
    assert company.objects["Invoice"] == {}  # created, found wrong, deleted, never emailed
    with pytest.raises(PlatformError):  # a retry (same request id) is refused the same way
        books.create_and_send_invoice(off_by_a_cent)
    assert company.objects["Invoice"] == {}


def test_quickbooks_refuses_tax_lines_on_a_rate_it_does_not_have(quickbooks_platform, books):
    customer = books.ensure_customer(three_lines().client)
    tax_line = {
        "Amount": 1.0,
        "DetailType": "TaxLineDetail",
        "TaxLineDetail": {"TaxRateRef": {"value": "999"}, "PercentBased": True,
                          "TaxPercent": 5, "NetAmountTaxable": 20},
    }  # fmt: skip
    body = {
        "CustomerRef": {"value": customer},
        "Line": [{"Amount": 20.0, "DetailType": "SalesItemLineDetail"}],
        "TxnTaxDetail": {"TotalTax": 1.0, "TaxLine": [tax_line]},
    }
    with pytest.raises(PlatformError) as refused:
        books._call(lambda qb: qb.create_object("Invoice", json.dumps(body)))
    assert refused.value.code == "2500" and "TaxRate 999" in refused.value.message
    assert "Invoice" not in company_of(quickbooks_platform, books).objects


def test_a_request_without_lines_is_one_untaxed_line(quickbooks_platform, books):
    legacy = replace(three_lines(), lines=(), total=cad("99.50"), description="Support")
    remote = books.create_and_send_invoice(legacy)
    invoice = company_of(quickbooks_platform, books).objects["Invoice"][remote.remote_id]
    (line,) = [line for line in invoice["Line"] if line["DetailType"] == "SalesItemLineDetail"]
    assert (line["Description"], line["Amount"], line["SalesItemLineDetail"]["Qty"]) == (
        "Support",
        99.5,
        1.0,
    )
    assert "TaxCodeRef" not in line["SalesItemLineDetail"]
    assert invoice["TxnTaxDetail"] == {"TotalTax": 0.0} and invoice["TotalAmt"] == 99.5


def test_a_tax_code_another_worker_just_created_is_used_not_duplicated(
    quickbooks_platform, books, monkeypatch
):
    from connectors.quickbooks.tax_codes import TaxCodes

    create = TaxCodes._create

    def beaten_to_it(self, name, taxes):
        # Between our look-up and our create, another worker creates the same code.
        monkeypatch.setattr(TaxCodes, "_create", create)
        books._call(lambda qb: TaxCodes(qb).code_for(taxes))
        return create(self, name, taxes)

    monkeypatch.setattr(TaxCodes, "_create", beaten_to_it)
    remote = books.create_and_send_invoice(three_lines())
    company = company_of(quickbooks_platform, books)
    assert names(company, "TaxCode") == ["Exempt", "GST 5% + QST 9.975%"]
    assert company.objects["Invoice"][remote.remote_id]["TotalAmt"] == 258.45
