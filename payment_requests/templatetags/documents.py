from django import template

from billing_saas.money_format import format_number
from payment_requests.totals import plain_decimal

register = template.Library()


@register.filter
def quantity(value) -> str:
    """A quantity or a tax rate as the reader writes it: 1.5, 9,975 in French, 5 not 5.000."""
    if value in (None, ""):
        return ""
    return format_number(plain_decimal(value))
