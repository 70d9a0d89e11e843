"""The currencies an account bills in: shared by clients (their preferred one) and every
document sent to them, so that neither app imports the other for it."""

from __future__ import annotations

CURRENCY_CODES = ("EUR", "USD", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK", "NOK", "DKK")


def CURRENCIES():  # noqa: N802 - used as the fields' choices, named as it always was
    """Each currency with its name in the reader's language ("USD – dollar des États-Unis")."""
    from billing_saas.money_format import currency_name

    return [(code, currency_name(code)) for code in CURRENCY_CODES]
