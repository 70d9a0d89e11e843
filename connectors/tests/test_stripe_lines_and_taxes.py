"""Documents of many lines with taxes reach Stripe (the emulator) line by line, and Stripe's
total, computed tax by tax and line by line, is billing's to the cent or nothing is sent."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
import requests
from django_tenants.utils import schema_context

from billing_saas.testing.stripe import connect_stripe
from connectors.base import (
    ClientRef,
    InvoiceLine,
    InvoiceRequest,
    Money,
    PlatformError,
    RemoteStatus,
    TaxLine,
)
from connectors.registry import platform_for


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def gst(amount: str) -> TaxLine:
    return TaxLine("GST", Decimal("5"), eur(amount))


def qst(amount: str) -> TaxLine:
    return TaxLine("QST", Decimal("9.975"), eur(amount))


# 2 × 500.00; 2.5 h × 50.92 (its GST, 6.365, rounds half up to 6.37); 3 × 10.00 − 5.00.
LINES = (
    InvoiceLine("Website design", Decimal("2"), eur("500.00"), eur("1000.00"),
                (gst("50.00"), qst("99.75")), reference="product:12"),
    InvoiceLine("Consulting", Decimal("2.5"), eur("50.92"), eur("127.30"),
                (gst("6.37"), qst("12.70"))),
    InvoiceLine("Hosting", Decimal("3"), eur("10.00"), eur("25.00"), discount=eur("5.00")),
)  # fmt: skip


def document(lines=LINES, local_id=1, total=None, currency="EUR") -> InvoiceRequest:
    total = total or sum((line.total.amount for line in lines), Decimal(0))
    return InvoiceRequest(
        local_id=local_id,
        idempotency_key=f"request:{local_id}:send:1",
        number=f"INV-{local_id:04d}",
        description="Website and support",
        total=Money(total, currency),
        due_date=date.today() + timedelta(days=14),
        client=ClientRef(local_id=7, name="Ana Client", email="ana@client.test"),
        lines=lines,
    )


@pytest.fixture
def alpha_stripe(stripe_platform, alpha):
    connection = connect_stripe(stripe_platform, alpha)
    with schema_context(alpha.schema_name):
        yield platform_for(connection)


def account_objects(emulator, platform, kind):
    data = emulator.state.accounts[platform.account_id]
    return [o for o in data.objects.values() if o.get("object") == kind and not o.get("deleted")]


def requests_to(emulator, platform, path):
    return [
        r
        for r in emulator.app.requests
        if r["path"] == path and r["method"] == "POST" and r["account"] == platform.account_id
    ]


def test_a_three_line_invoice_with_two_taxes_reaches_stripe_line_by_line(
    stripe_platform, alpha_stripe
):
    remote = alpha_stripe.create_and_send_invoice(document())

    assert remote.status == RemoteStatus.OPEN
    assert remote.amount_due == eur("1321.12")
    rates = {
        r["display_name"]: r for r in account_objects(stripe_platform, alpha_stripe, "tax_rate")
    }
    assert {name: (r["percentage"], r["inclusive"]) for name, r in rates.items()} == {
        "GST": (5, False),
        "QST": (9.975, False),
    }
    items = [r["params"] for r in requests_to(stripe_platform, alpha_stripe, "/v1/invoiceitems")]
    assert [(i["description"], i.get("quantity"), i.get("unit_amount_decimal"), i.get("amount"))
            for i in items] == [
        ("Website design", "2", "50000", None),
        ("Consulting (2.5 × €50.92)", None, None, "12730"),
        ("Hosting (3 × €10.00 − €5.00)", None, None, "2500"),
    ]  # fmt: skip
    assert (
        items[0]["tax_rates"] == items[1]["tax_rates"] == [rates["GST"]["id"], rates["QST"]["id"]]
    )
    assert "tax_rates" not in items[2]
    assert items[0]["metadata"] == {"request_id": "1", "reference": "product:12"}
    (invoice,) = account_objects(stripe_platform, alpha_stripe, "invoice")
    assert (invoice["subtotal"], invoice["total"], invoice["amount_due"]) == (
        115230,
        132112,
        132112,
    )
    assert [(t["tax_rate_details"]["tax_rate"], t["amount"]) for t in invoice["total_taxes"]] == [
        (rates["GST"]["id"], 5637),
        (rates["QST"]["id"], 11245),
    ]
    assert [[t["amount"] for t in line["taxes"]] for line in invoice["lines"]["data"]] == [
        [5000, 9975], [637, 1270], [],
    ]  # fmt: skip


def test_the_hosted_invoice_page_shows_each_line_each_tax_and_the_total(alpha_stripe):
    remote = alpha_stripe.create_and_send_invoice(document())

    page = requests.get(remote.pay_url, timeout=5).text

    for shown in ("Website design", "2 × €500.00", "Consulting (2.5 × €50.92)", "Hosting",
                  "Subtotal", "€1,152.30", "GST (5%)", "€56.37", "QST (9.975%)", "€112.45",
                  "Total", "€1,321.12"):  # fmt: skip
        assert shown in page


def test_a_yen_invoice_is_taxed_in_whole_yen(stripe_platform, alpha_stripe):
    def yen(amount):
        return Money(Decimal(amount), "JPY")

    lines = (
        InvoiceLine("Lessons", Decimal("3"), yen("1000"), yen("3000"),
                    (TaxLine("Consumption tax", Decimal("10"), yen("300")),)),
        InvoiceLine("Books", Decimal("1"), yen("1234"), yen("1234"),
                    (TaxLine("Reduced consumption tax", Decimal("8"), yen("99")),)),  # 98.72
    )  # fmt: skip

    remote = alpha_stripe.create_and_send_invoice(document(lines, currency="JPY"))

    assert remote.amount_due == yen("4633")
    items = [r["params"] for r in requests_to(stripe_platform, alpha_stripe, "/v1/invoiceitems")]
    assert [(i.get("unit_amount_decimal"), i.get("amount")) for i in items] == [
        ("1000", None),
        (None, "1234"),
    ]
    page = requests.get(remote.pay_url, timeout=5).text
    assert "¥4,633" in page and "Reduced consumption tax (8%)" in page and "¥99" in page


def test_tax_rates_are_created_once_and_reused_until_archived(stripe_platform, alpha_stripe):
    alpha_stripe.create_and_send_invoice(document(local_id=1))
    alpha_stripe.create_and_send_invoice(document(local_id=2))

    assert len(requests_to(stripe_platform, alpha_stripe, "/v1/tax_rates")) == 2
    rates = account_objects(stripe_platform, alpha_stripe, "tax_rate")
    assert sorted(r["display_name"] for r in rates) == ["GST", "QST"]

    gst_rate = next(r for r in rates if r["display_name"] == "GST")
    alpha_stripe.api.tax_rates.update(gst_rate["id"], {"active": False}, alpha_stripe._options())
    alpha_stripe.create_and_send_invoice(document(local_id=3))

    active = [r for r in account_objects(stripe_platform, alpha_stripe, "tax_rate") if r["active"]]
    assert sorted(r["display_name"] for r in active) == ["GST", "QST"]
    assert gst_rate["id"] not in {r["id"] for r in active}


def test_a_total_stripe_computes_otherwise_is_refused_and_nothing_is_left_to_pay(
    stripe_platform, alpha_stripe
):
    # Billing rounded the consulting line's GST (6.365) down: Stripe rounds it up.
    wrong = (LINES[0], replace(LINES[1], taxes=(gst("6.36"), qst("12.70"))), LINES[2])

    with pytest.raises(PlatformError) as refused:
        alpha_stripe.create_and_send_invoice(document(wrong))

    assert refused.value.code == "amount_mismatch"
    assert "another total (€1,321.12) than ours (€1,321.11)" in refused.value.message
    assert account_objects(stripe_platform, alpha_stripe, "invoice") == []


def test_a_payment_link_carries_the_lines_and_their_taxes(stripe_platform, alpha_stripe):
    link = alpha_stripe.create_payment_link(
        document(), "https://studio.test/thanks", "https://studio.test/cancel"
    )

    session = requests_to(stripe_platform, alpha_stripe, "/v1/checkout/sessions")[-1]["params"]
    prices = [item["price_data"] for item in session["line_items"]]
    assert [
        (item["quantity"], price["unit_amount"], price["product_data"]["name"],
         len(item.get("tax_rates", [])))
        for item, price in zip(session["line_items"], prices, strict=True)
    ] == [
        ("2", "50000", "Website design", 2),
        ("1", "12730", "Consulting (2.5 × €50.92)", 2),
        ("1", "2500", "Hosting (3 × €10.00 − €5.00)", 0),
    ]  # fmt: skip
    remote = alpha_stripe.fetch_payment_link(link.remote_id)
    assert remote.amount_due == eur("1321.12")
    (stored,) = account_objects(stripe_platform, alpha_stripe, "checkout.session")
    assert (stored["amount_subtotal"], stored["total_details"]["amount_tax"]) == (115230, 16882)
    page = requests.get(link.url, timeout=5).text
    for shown in ("Invoice INV-0001", "GST (5%)", "€56.37", "QST (9.975%)", "€112.45", "€1,321.12"):
        assert shown in page


def test_a_french_client_reads_the_lines_and_taxes_in_french(stripe_platform, alpha_stripe):
    request = document()
    request = replace(request, client=replace(request.client, language="fr"))

    remote = alpha_stripe.create_and_send_invoice(request)

    items = [r["params"] for r in requests_to(stripe_platform, alpha_stripe, "/v1/invoiceitems")]
    assert items[1]["description"] == "Consulting (2,5 × 50,92\u00a0€)"
    page = requests.get(remote.pay_url, timeout=5).text
    for shown in ("Sous-total", "GST (5\u00a0%)", "QST (9,975\u00a0%)", "1\u202f321,12\u00a0€"):
        assert shown in page
