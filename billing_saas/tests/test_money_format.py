"""Amounts read as each reader writes them: language and the account's country decide."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from billing_saas.languages import current_locale
from billing_saas.money_format import currency_name, format_money

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("currency", "amount", "english", "french"),
    [
        ("EUR", "12345.67", "€12,345.67", f"12{NNBSP}345,67{NBSP}€"),
        ("CAD", "12345.67", "CA$12,345.67", f"12{NNBSP}345,67{NBSP}$CA"),
        ("USD", "12345.67", "$12,345.67", f"12{NNBSP}345,67{NBSP}$US"),
        ("JPY", "12346", "¥12,346", f"12{NNBSP}346{NBSP}JPY"),  # yen: no decimals
    ],
)
def test_amounts_in_english_and_in_french(currency, amount, english, french):
    assert format_money(Decimal(amount), currency, locale="en") == english
    assert format_money(Decimal(amount), currency, locale="fr_FR") == french


@pytest.mark.parametrize(
    ("currency", "english", "french"),
    [
        ("CAD", "$12,345.67", f"12{NBSP}345,67{NBSP}$"),  # at home, the dollar needs no "CA"
        ("USD", "US$12,345.67", f"12{NBSP}345,67{NBSP}${NBSP}US"),
        ("EUR", "€12,345.67", f"12{NBSP}345,67{NBSP}€"),
        ("JPY", "JP¥12,346", f"12{NBSP}346{NBSP}¥"),
    ],
)
def test_an_account_in_canada_writes_amounts_as_canadians_do(currency, english, french):
    amount = Decimal("12346") if currency == "JPY" else Decimal("12345.67")
    assert format_money(amount, currency, locale="en_CA") == english
    assert format_money(amount, currency, locale="fr_CA") == french


class _Account:
    def __init__(self, country):
        self.country = country
        self.is_public = False


def test_the_locale_is_the_active_language_in_the_accounts_country():
    with translation.override("fr"):
        assert current_locale(tenant=_Account("CA")) == "fr_CA"
        assert current_locale(tenant=_Account("")) == "fr"
    with translation.override("en"):
        assert current_locale(tenant=_Account("CA")) == "en_CA"
        assert current_locale(tenant=_Account("XX")) == "en"  # not a place Babel knows


def test_the_money_filter_follows_the_active_language():
    template = Template("{% load money %}{{ amount|money:currency }}")
    context = Context({"amount": Decimal("1250.5"), "currency": "EUR"})
    with translation.override("en"):
        assert template.render(context) == "€1,250.50"
    with translation.override("fr"):
        assert template.render(context) == f"1{NNBSP}250,50{NBSP}€"


def test_currency_names_are_in_the_readers_language():
    assert currency_name("USD", locale="en") == "USD – US Dollar"
    assert currency_name("USD", locale="fr") == "USD – dollar des États-Unis"


def test_dates_are_written_in_the_readers_language():
    from datetime import date

    template = Template('{{ day|date:"DATE_FORMAT" }}')
    context = Context({"day": date(2026, 11, 26)})
    with translation.override("fr"):
        assert template.render(context) == "26 novembre 2026"
    with translation.override("en"):
        assert template.render(context) == "Nov. 26, 2026"
