"""Amounts as platforms want them: integers in the currency's minor unit."""

from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 currencies without a minor unit (Stripe's list of zero-decimal currencies).
ZERO_DECIMAL_CURRENCIES = frozenset(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()
)


def decimal_places(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2


def minor_units(amount: Decimal, currency: str) -> int:
    """12.34 EUR -> 1234; 1200 JPY -> 1200. Refuses amounts finer than the currency allows."""
    exponent = decimal_places(currency)
    scaled = amount.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} {currency} has more decimals than the currency allows")
    return int(scaled.to_integral_value(rounding=ROUND_HALF_UP))


def from_minor_units(value: int, currency: str) -> Decimal:
    return Decimal(value).scaleb(-decimal_places(currency))
