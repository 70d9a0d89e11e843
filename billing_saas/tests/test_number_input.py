"""Amounts typed the way people write them are read exactly, or refused with a reason."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from babel.numbers import get_decimal_symbol, get_group_symbol
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from billing_saas.number_input import (
    LocalizedDecimalField,
    NumberNotUnderstood,
    browser_locale,
    parse_decimal,
)


@pytest.mark.parametrize(
    ("typed", "locale", "value"),
    [
        ("1250,50", "en_US", "1250.50"),  # the comma a French habit types, in an English browser
        ("1250,50", "fr_FR", "1250.50"),
        ("1250.50", "fr_FR", "1250.50"),
        ("1 250,50", "fr_FR", "1250.50"),
        ("1\u202f250,50", "fr_FR", "1250.50"),
        ("1\u00a0250.50", "en_US", "1250.50"),
        ("1,250.50", "en_US", "1250.50"),
        ("1.250,50", "de_DE", "1250.50"),
        ("1’250.50", "de_CH", "1250.50"),
        ("1,250", "en_US", "1250"),  # English groups with a comma
        ("1.250", "de_DE", "1250"),  # German groups with a point
        ("1,250,000", "en_US", "1250000"),
        ("1.250.000", "fr_FR", "1250000"),
        ("0,5", "en_US", "0.5"),
        ("0.250", "en_US", "0.250"),  # a leading zero cannot start a thousands group
        (" 42 ", "en_US", "42"),
        ("12.3456", "en_US", "12.3456"),  # kept exact: the form then refuses the decimals
    ],
)
def test_typed_amounts_are_read_exactly(typed, locale, value):
    assert parse_decimal(typed, locale) == Decimal(value)
    assert str(parse_decimal(typed, locale)) == value


@pytest.mark.parametrize(
    ("typed", "locale", "message"),
    [
        ("1,250", "fr_FR", "could mean 1250 or 1,25"),
        ("1.250", "en_US", "could mean 1250 or 1.25"),
        ("12,50,0", "en_US", "grouped by three digits"),
        ("12 50", "en_US", "grouped by three digits"),
        ("1e5", "en_US", "Enter a number"),
        ("NaN", "en_US", "Enter a number"),
        ("12 €", "fr_FR", "Enter a number"),
        (",", "en_US", "Enter a number"),
        ("1,250.50.3", "en_US", ""),
    ],
)
def test_ambiguous_or_unreadable_amounts_are_refused_with_a_reason(typed, locale, message):
    with pytest.raises(NumberNotUnderstood) as refused:
        parse_decimal(typed, locale)
    assert message in refused.value.message


@given(
    value=st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2),
    locale=st.sampled_from(["en_US", "en_GB", "fr_FR", "fr_CH", "de_DE", "de_CH", "es_ES"]),
)
def test_what_the_locale_writes_reads_back_to_the_same_amount(value, locale):
    """Written with the locale's own marks, grouped by three (Babel's own formatting of Swiss
    locales changes between releases, so the marks are taken from it, not the layout)."""
    whole, fraction = f"{value:.2f}".split(".")
    groups = [whole[max(end - 3, 0) : end] for end in range(len(whole), 0, -3)][::-1]
    written = get_group_symbol(locale).join(groups) + get_decimal_symbol(locale) + fraction
    assert parse_decimal(written, locale) == value
    assert parse_decimal(written.replace(get_group_symbol(locale), ""), locale) == value


def test_the_browser_decides_the_locale():
    assert browser_locale("fr-FR,fr;q=0.9,en;q=0.8") == "fr_FR"
    assert browser_locale("de-CH") == "de_CH"
    assert browser_locale("xx-YY, en-GB;q=0.5") == "en_GB"
    assert browser_locale("") == ""


def test_every_amount_and_quantity_field_reads_the_locale():
    """A DecimalField or FloatField of Django's own would let ``1250,50`` through the browser's
    number input as 125050: every form of the product uses LocalizedDecimalField."""
    for module in (
        "payment_requests.forms",
        "connectors.forms",
        "tenants.forms",
        "tenants.members.forms",
        "solutions.forms",
        "clients.forms",
    ):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError:
            continue
    checked = 0
    pending = list(forms.BaseForm.__subclasses__())
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        if form_class.__module__.split(".")[0] not in {
            "billing_saas", "tenants", "payment_requests", "connectors", "client_portal",
            "notifications", "clients", "solutions",
        }:  # fmt: skip
            continue
        for name, field in getattr(form_class, "base_fields", {}).items():
            if isinstance(field, (forms.DecimalField, forms.FloatField)):
                assert isinstance(field, LocalizedDecimalField), f"{form_class.__name__}.{name}"
                assert field.widget.input_type == "text", f"{form_class.__name__}.{name}"
                checked += 1
    assert checked >= 1  # the payment request's amount, at least
