"""Amounts reach platforms as exact integers in the currency's minor unit."""

from decimal import Decimal

import pytest

from connectors.base import Money
from connectors.money import from_minor_units, minor_units


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [("12.34", "EUR", 1234), ("0.10", "eur", 10), ("1200", "JPY", 1200), ("5", "USD", 500)],
)
def test_amounts_become_minor_units(amount, currency, expected):
    assert minor_units(Decimal(amount), currency) == expected
    assert from_minor_units(expected, currency) == Decimal(amount)


@pytest.mark.parametrize(("amount", "currency"), [("12.345", "EUR"), ("10.5", "JPY")])
def test_amounts_finer_than_the_currency_are_refused(amount, currency):
    with pytest.raises(ValueError, match="more decimals"):
        minor_units(Decimal(amount), currency)


def test_money_needs_a_decimal_and_an_iso_currency():
    assert Money(Decimal("1.00"), "eur").currency == "EUR"
    with pytest.raises(TypeError):
        Money(1.0, "EUR")
    with pytest.raises(ValueError):
        Money(Decimal("1"), "EURO")
