"""A document's total is the sum of its lines, each exact in the currency's minor unit, by the
one rounding rule of ``payment_requests/totals.py``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.money import round_to_minor
from payment_requests.totals import LineRefused, Rate, check_line, price_line, totals

GST = Rate("GST", Decimal("5"))
QST = Rate("QST", Decimal("9.975"))
VAT = Rate("VAT", Decimal("20"))

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1000"), places=3)
rates = st.lists(
    st.builds(
        Rate,
        st.sampled_from(["GST", "QST", "VAT", "HST"]),
        st.decimals(min_value=Decimal(0), max_value=Decimal(30), places=3),
    ),
    max_size=3,
    unique_by=lambda rate: rate.name,
)


def prices(places: int):
    return st.decimals(min_value=Decimal(0), max_value=Decimal(100000), places=places)


@st.composite
def lines_in(draw, currency: str, places: int):
    quantity, unit_price = draw(quantities), draw(prices(places))
    whole = (quantity * unit_price).quantize(Decimal(1).scaleb(-places), rounding="ROUND_DOWN")
    discount = draw(st.decimals(min_value=Decimal(0), max_value=whole, places=places))
    taxes = tuple(draw(rates))
    return price_line("Work", quantity, unit_price, currency, discount=discount, rates=taxes)


def exact(amount: Decimal, places: int) -> bool:
    return amount == amount.quantize(Decimal(1).scaleb(-places))


@pytest.mark.parametrize(("currency", "places"), [("EUR", 2), ("CAD", 2), ("JPY", 0)])
def test_the_total_is_the_sum_of_the_lines_and_their_taxes(currency, places):
    @given(st.lists(lines_in(currency, places), min_size=1, max_size=6))
    def check(lines):
        sums = totals(lines, currency)
        line_amounts = sum((line.amount.amount for line in lines), Decimal(0))
        line_taxes = sum((tax.amount.amount for line in lines for tax in line.taxes), Decimal(0))
        assert sums.subtotal == line_amounts
        assert sums.tax_total == line_taxes == sum((tax.amount for tax in sums.taxes), Decimal(0))
        assert sums.total == line_amounts + line_taxes
        assert exact(sums.total, places)

    check()


@pytest.mark.parametrize(("currency", "places"), [("EUR", 2), ("JPY", 0)])
def test_each_line_and_each_tax_is_rounded_half_up_to_the_minor_unit(currency, places):
    @given(lines_in(currency, places))
    def check(line):
        unit = Decimal(1).scaleb(-places)
        raw = line.quantity * line.unit_price.amount - (
            line.discount.amount if line.discount else 0
        )
        assert line.amount.amount == raw.quantize(unit, rounding=ROUND_HALF_UP)
        assert exact(line.amount.amount, places)
        for tax in line.taxes:
            expected = (line.amount.amount * tax.rate / 100).quantize(unit, rounding=ROUND_HALF_UP)
            assert tax.amount.amount == expected and exact(tax.amount.amount, places)

    check()


def test_quebec_taxes_on_100_dollars():
    line = price_line("Consulting", Decimal(1), Decimal("100.00"), "CAD", rates=(GST, QST))
    assert [tax.amount.amount for tax in line.taxes] == [Decimal("5.00"), Decimal("9.98")]
    sums = totals([line], "CAD")
    assert (sums.subtotal, sums.tax_total, sums.total) == (
        Decimal("100.00"),
        Decimal("14.98"),
        Decimal("114.98"),
    )


def test_taxes_are_rounded_per_line_not_on_the_subtotal():
    """Two lines of 0.10 at 5%: 0.005 each rounds up to 0.01, so 0.02 of tax, not 0.01."""
    lines = [price_line("Stamp", Decimal(1), Decimal("0.10"), "EUR", rates=(GST,))] * 2
    assert totals(lines, "EUR").tax_total == Decimal("0.02")


def test_a_decimal_quantity_and_a_discount():
    line = price_line(
        "Design", Decimal("1.5"), Decimal("80.00"), "EUR", discount=Decimal("5"), rates=(VAT,)
    )
    assert line.amount.amount == Decimal("115.00") and line.taxes[0].amount.amount == Decimal("23")


def test_yen_amounts_round_to_whole_yen():
    line = price_line("Tea", Decimal("1.5"), Decimal("333"), "JPY", rates=(QST,))
    assert line.amount.amount == Decimal("500")  # 499.5 rounds half up
    assert line.taxes[0].amount.amount == Decimal("50")  # 49.875


@pytest.mark.parametrize(
    ("quantity", "unit_price", "discount", "currency", "field"),
    [
        ("0", "10", None, "EUR", "quantity"),
        ("-1", "10", None, "EUR", "quantity"),
        ("1", "-10", None, "EUR", "unit_price"),
        ("2", "10", "20.01", "EUR", "discount"),
        ("1", "10", "-1", "EUR", "discount"),
        ("1", "10.5", None, "JPY", "unit_price"),
        ("1", "10.001", None, "EUR", "unit_price"),
    ],
)
def test_lines_that_cannot_be_priced_are_refused(quantity, unit_price, discount, currency, field):
    with pytest.raises(LineRefused) as refused:
        check_line(
            Decimal(quantity),
            Decimal(unit_price),
            Decimal(discount) if discount else None,
            currency,
        )
    assert refused.value.field == field


def test_round_to_minor_follows_the_currency():
    assert round_to_minor(Decimal("4.9875"), "EUR") == Decimal("4.99")
    assert round_to_minor(Decimal("0.005"), "USD") == Decimal("0.01")
    assert round_to_minor(Decimal("1234.5"), "JPY") == Decimal("1235")
