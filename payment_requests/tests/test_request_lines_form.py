"""The request form takes lines: quantities, unit prices, discounts and taxes make its total;
a wrong line is refused where it was typed and nothing is saved; one line stays quick."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from payment_requests import services
from payment_requests.models import PaymentRequest, TaxRate
from payment_requests.services.lines import LineDraft
from payment_requests.tests.conftest import make_client, make_request


@pytest.fixture
def quebec(alpha):
    with schema_context(alpha.schema_name):
        return (
            TaxRate.objects.create(name="GST", rate=Decimal("5")),
            TaxRate.objects.create(name="QST", rate=Decimal("9.975")),
        )


def post_lines(owner_client, client, lines, currency="CAD", action="save", url=None, **extra):
    data = {
        "kind": "invoice",
        "description": "November work",
        "client": client.pk,
        "currency": currency,
        "due_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "billing_type": "invoice",
        "action": action,
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "1",
        **extra,
    }
    for index, line in enumerate(lines):
        for name, value in line.items():
            data[f"lines-{index}-{name}"] = value
    return owner_client.post(url or "/billing/requests/new/", data)


def three_lines(quebec):
    gst, qst = quebec
    return [
        {"description": "Design", "quantity": "1.5", "unit_price": "80", "taxes": [gst.pk, qst.pk]},
        {"description": "Hosting", "quantity": "3", "unit_price": "25", "discount": "5",
         "taxes": [gst.pk, qst.pk]},
        {"description": "Training", "quantity": "1", "unit_price": "40"},
    ]  # fmt: skip


def saved_lines(tenant):
    with schema_context(tenant.schema_name):
        item = PaymentRequest.objects.get()
        return item, [
            (
                line.description,
                line.quantity,
                line.amount.amount,
                [(tax.name, tax.amount.amount) for tax in line.taxes],
            )
            for line in item.document_lines
        ]


def test_three_lines_with_quebec_taxes_make_the_total(alpha, owner_client, quebec):
    client = make_client(alpha)
    response = post_lines(owner_client, client, three_lines(quebec))

    assert response.status_code == 302
    item, lines = saved_lines(alpha)
    d = Decimal
    assert lines == [
        ("Design", d("1.5"), d("120.00"), [("GST", d("6.00")), ("QST", d("11.97"))]),
        ("Hosting", d("3"), d("70.00"), [("GST", d("3.50")), ("QST", d("6.98"))]),
        ("Training", d("1"), d("40.00"), []),
    ]
    assert (item.subtotal, item.tax_total, item.amount) == (
        Decimal("230.00"),
        Decimal("28.45"),
        Decimal("258.45"),
    )
    with schema_context(alpha.schema_name):
        assert [change.note for change in item.history.all()] == ["Created"]
    panel = owner_client.get(f"/billing/?open={item.pk}").content.decode()
    for shown in ("1.5 × CA$80.00", "less CA$5.00", "QST (9.975%)", "CA$18.95", "CA$258.45"):
        assert shown in panel, shown


def test_recalculating_shows_the_totals_and_saves_nothing(alpha, owner_client, quebec):
    client = make_client(alpha)
    page = post_lines(owner_client, client, three_lines(quebec), action="recalculate")

    text = page.content.decode()
    assert page.status_code == 200
    assert "CA$230.00" in text and "CA$9.50" in text and "CA$258.45" in text
    with schema_context(alpha.schema_name):
        assert not PaymentRequest.objects.exists()


def test_add_a_line_without_javascript_shows_one_more_empty_line(alpha, owner_client, quebec):
    client = make_client(alpha)
    page = post_lines(owner_client, client, three_lines(quebec)[:1], action="add_line")

    text = page.content.decode()
    assert 'name="lines-1-unit_price"' in text and 'name="lines-2-unit_price"' not in text
    assert 'name="lines-TOTAL_FORMS" value="2"' in text
    with schema_context(alpha.schema_name):
        assert not PaymentRequest.objects.exists()


def test_a_blank_added_line_is_skipped(alpha, owner_client):
    client = make_client(alpha)
    lines = [{"description": "Audit", "quantity": "1", "unit_price": "80"}, {"quantity": "1"}]
    assert post_lines(owner_client, client, lines, currency="EUR").status_code == 302
    item, saved = saved_lines(alpha)
    assert len(saved) == 1 and item.amount == Decimal("80.00")


@pytest.mark.parametrize(
    ("line", "currency", "message"),
    [
        ({"quantity": "0", "unit_price": "10"}, "EUR", "The quantity must be greater than zero."),
        ({"quantity": "1", "unit_price": "-10"}, "EUR", "The unit price cannot be negative."),
        ({"quantity": "2", "unit_price": "10", "discount": "20.01"}, "EUR",
         "The discount cannot be more than the line."),
        ({"quantity": "1", "unit_price": "10.5"}, "JPY",
         "JPY amounts cannot have that many decimals."),
        ({"quantity": "1.0005", "unit_price": "10"}, "EUR", "no more than 3 decimal places"),
    ],
)  # fmt: skip
def test_a_bad_line_is_a_form_error_and_changes_nothing(alpha, owner_client, line, currency,
                                                        message):  # fmt: skip
    draft = make_request(alpha, amount="150.00")
    good = {"description": "Fine", "quantity": "1", "unit_price": "5"}
    page = post_lines(
        owner_client,
        draft.client,
        [good, {"description": "Wrong", **line}],
        currency=currency,
        url=f"/billing/requests/{draft.pk}/edit/",
    )

    assert page.status_code == 200 and message in page.content.decode()
    line_box = page.content.decode().split("data-line>")[2]  # the second line's fields
    assert message in line_box
    with schema_context(alpha.schema_name):
        item = PaymentRequest.objects.get()
        assert item.amount == Decimal("150.00") and item.lines.count() == 1


def test_the_one_line_quick_path_works_as_before(alpha, owner_client):
    """A description and an amount, as the form was posted before it had lines."""
    client = make_client(alpha)
    response = owner_client.post(
        "/billing/requests/new/",
        {
            "kind": "invoice",
            "description": "Website redesign",
            "client": client.pk,
            "amount": "1250.50",
            "currency": "EUR",
            "due_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "billing_type": "invoice",
            "action": "save",
        },
    )
    assert response.status_code == 302
    item, lines = saved_lines(alpha)
    assert lines == [("Website redesign", Decimal("1"), Decimal("1250.50"), [])]
    assert item.amount == item.subtotal == Decimal("1250.50") and not item.is_itemized


def test_the_first_line_takes_the_description_when_left_empty(alpha, owner_client):
    client = make_client(alpha)
    page = owner_client.get("/billing/requests/new/").content.decode()
    assert 'name="lines-TOTAL_FORMS" value="1"' in page
    assert "Same as the description above" in page

    post_lines(owner_client, client, [{"quantity": "2", "unit_price": "30"}], currency="EUR")
    item, lines = saved_lines(alpha)
    assert lines == [("November work", Decimal("2"), Decimal("60.00"), [])]


def test_the_total_is_what_the_platform_limit_applies_to(alpha_billing, alpha, owner_client):
    client = make_client(alpha)
    lines = [{"description": "Big", "quantity": "2", "unit_price": "600000"}]
    page = post_lines(owner_client, client, lines, currency="EUR")

    assert "Stripe accepts at most €999,999.99 per payment." in page.content.decode()
    with schema_context(alpha.schema_name):
        assert not PaymentRequest.objects.exists()


def test_copying_a_request_copies_its_lines(alpha, owner_client, quebec):
    client = make_client(alpha)
    post_lines(owner_client, client, three_lines(quebec))
    item, _lines = saved_lines(alpha)

    page = owner_client.get(f"/billing/requests/new/?copy={item.pk}").content.decode()
    assert 'name="lines-TOTAL_FORMS" value="3"' in page
    assert 'value="Hosting"' in page and 'name="lines-1-discount" value="5.00"' in page
    checked = re.findall(r'<input[^>]*name="lines-0-taxes"[^>]*>', page)
    assert len(checked) == 2 and all("checked" in box for box in checked)


def test_lines_are_locked_once_sent(alpha, sent_request, owner_client):
    before = sent_request.amount
    page = owner_client.get(f"/billing/requests/{sent_request.pk}/edit/").content.decode()
    assert 'name="lines-0-unit_price"' not in page  # shown, not editable

    post_lines(
        owner_client,
        sent_request.client,
        [{"description": "Cheaper", "quantity": "1", "unit_price": "1"}],
        currency="EUR",
        url=f"/billing/requests/{sent_request.pk}/edit/",
    )
    with schema_context(alpha.schema_name):
        item = PaymentRequest.objects.get()
        assert item.amount == before and item.document_lines[0].unit_price.amount == before
        for changed in (
            [LineDraft("Cheaper", Decimal(1), Decimal(1))],
            [LineDraft("Same total, other words", Decimal(1), before)],
        ):
            with pytest.raises(services.ActionRefused, match="can no longer change"):
                services.update_draft(item.pk, actor=None, lines=changed)
        assert item.lines.get().unit_price == before


def test_a_quantity_with_three_decimals_comes_back_as_it_was(alpha, owner_client):
    """Shown as 1.125, it would read as 1125 or 1.125; shown as 1.1250 it reads one way."""
    draft = make_request(alpha, lines=[LineDraft("Hours", Decimal("1.125"), Decimal("80"))])
    page = owner_client.get(f"/billing/requests/{draft.pk}/edit/").content.decode()
    shown = re.search(r'name="lines-0-quantity" value="([^"]+)"', page).group(1)
    assert shown == "1.1250"

    post_lines(
        owner_client,
        draft.client,
        [{"description": "Hours", "quantity": shown, "unit_price": "80"}],
        currency="EUR",
        url=f"/billing/requests/{draft.pk}/edit/",
    )
    with schema_context(alpha.schema_name):
        item = PaymentRequest.objects.get()
        assert item.lines.get().quantity == Decimal("1.125") and item.amount == Decimal("90.00")
