"""Amounts written the way the reader writes them: ``12 345,67 €`` in France,
``€12,345.67`` in English, ``¥12,346`` with no decimals for yen.

Babel (CLDR's data) knows each locale's grouping, decimal mark, symbol placement and each
currency's symbol; ``billing_saas.languages.current_locale`` says which locale the active
language and the account's country make.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_name

from billing_saas.languages import current_locale


def format_money(amount, currency: str, locale: str | None = None) -> str:
    """``amount`` in ``currency`` for ``locale`` (by default the active language's, in the
    account's country). Never rounds away money: amounts carry the currency's own decimals."""
    if amount in (None, ""):
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    currency = str(currency or "").upper()
    if not currency:
        return format_number(value, locale)
    return format_currency(value, currency, locale=locale or current_locale())


def format_number(value, locale: str | None = None) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=locale or current_locale())


def currency_name(code: str, locale: str | None = None) -> str:
    """ "EUR – euro" in French, "EUR – Euro" in English: the code first, as people scan for it."""
    return f"{code} – {get_currency_name(code, locale=locale or current_locale())}"
