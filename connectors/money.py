"""Amounts as platforms want them: integers in the currency's minor unit.

The minor-unit rule is written here once: a currency has ``decimal_places(currency)``
decimals (2, or 0 for the zero-decimal currencies below). Everything else (converting to and
from minor units, rounding a computed amount) derives from it.
"""

from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 currencies without a minor unit (Stripe's list of zero-decimal currencies).
ZERO_DECIMAL_CURRENCIES = frozenset(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()
)


def decimal_places(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of the currency: 0.01 EUR, 1 JPY."""
    return Decimal(1).scaleb(-decimal_places(currency))


def round_to_minor(amount: Decimal, currency: str) -> Decimal:
    """A computed amount (a tax, a quantity times a price) rounded half up to the currency's
    minor unit: 4.9875 EUR -> 4.99; 1234.5 JPY -> 1235."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def fits_currency(amount: Decimal, currency: str) -> bool:
    """The amount has no more decimals than the currency carries (12.5 JPY does not)."""
    return amount == round_to_minor(amount, currency)


def minor_units(amount: Decimal, currency: str) -> int:
    """12.34 EUR -> 1234; 1200 JPY -> 1200. Refuses amounts finer than the currency allows."""
    if not fits_currency(amount, currency):
        raise ValueError(f"{amount} {currency} has more decimals than the currency allows")
    return int(amount.scaleb(decimal_places(currency)).to_integral_value())


def from_minor_units(value: int, currency: str) -> Decimal:
    return Decimal(value).scaleb(-decimal_places(currency))
