from django import template

from billing_saas.money_format import format_money

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    """1234.5, 'EUR' → '€1,234.50' in English, '1 234,50 €' in French (see money_format)."""
    return format_money(amount, currency)
