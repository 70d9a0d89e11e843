from decimal import Decimal

from django import template
from django.utils.formats import number_format

from connectors.money import ZERO_DECIMAL_CURRENCIES

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    """1234.5, 'EUR' → '1,234.50 EUR' (grouping and decimal mark follow the active locale)."""
    if amount in (None, ""):
        return ""
    places = 0 if str(currency).upper() in ZERO_DECIMAL_CURRENCIES else 2
    text = number_format(Decimal(amount), places, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0{currency}".strip()
