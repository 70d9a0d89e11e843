"""Amounts and quantities typed by people: read per their locale, never silently changed.

Browsers' ``<input type="number">`` drops a decimal comma in some locales (``1250,50`` arrived
as ``125050``), so amount fields are text inputs read here. People type the way they learnt:
``1250,50``, ``1 250.50``, ``1.250,50``, ``1,250.50``. The rules:

- spaces (ordinary, non-breaking, narrow) and apostrophes group thousands;
- with both a comma and a point, the rightmost one is the decimal mark;
- a mark that appears several times groups thousands;
- a single mark followed by other than three digits is the decimal mark;
- a single mark followed by exactly three digits (``1,250``, ``1.250``) reads as thousands
  only when it is the locale's grouping mark; otherwise it is ambiguous and refused with a
  message saying both readings.

Thousands groups must have three digits, so ``12,50,0`` is refused rather than guessed.
The locale is the browser's (``Accept-Language``) or the active language's, see
:class:`NumberLocaleMiddleware`.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext, to_locale
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header

GROUPING_SPACES = " \u00a0\u202f\u2009'’"
_number_locale: ContextVar[str] = ContextVar("number_locale", default="")


class NumberNotUnderstood(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def current_number_locale() -> str:
    """The locale people type numbers in: the browser's, else the active language's."""
    return _number_locale.get() or to_locale(get_language() or "en")


def browser_locale(accept_language: str) -> str:
    """The first locale of an ``Accept-Language`` header that Babel knows, or ``""``."""
    for tag, _quality in parse_accept_lang_header(accept_language[:255]):
        if tag == "*":
            continue
        try:
            return str(Locale.parse(tag, sep="-"))
        except (ValueError, UnknownLocaleError):
            continue
    return ""


class NumberLocaleMiddleware:
    """Remembers the browser's locale for the request, for reading typed numbers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _number_locale.set(browser_locale(request.headers.get("Accept-Language", "")))
        try:
            return self.get_response(request)
        finally:
            _number_locale.reset(token)


def _symbols(locale: str) -> tuple[str, str]:
    try:
        return get_decimal_symbol(locale), get_group_symbol(locale)
    except (ValueError, UnknownLocaleError):
        return ".", ","


def _whole_number(integer: str, value: str) -> str:
    """``1|250`` → ``1250``; thousands groups must have three digits."""
    groups = integer.split("|")
    if not all(group.isdigit() for group in groups[1:]) or (
        len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]))
    ):
        raise NumberNotUnderstood(
            gettext(
                "“%(value)s” is not a number we can read: thousands are grouped by three digits."
            )
            % {"value": value}
        )
    return "".join(groups) or "0"


def parse_decimal(text: str, locale: str | None = None) -> Decimal:
    """``text`` as typed → its exact value; :class:`NumberNotUnderstood` when unsure."""
    original = text.strip()
    decimal_mark, group_mark = _symbols(locale or current_number_locale())
    value, sign = original, ""
    if value[:1] in "+-":
        sign, value = ("-" if value[0] == "-" else ""), value[1:].lstrip()
    value = re.sub(f"(?<=\\d)[{GROUPING_SPACES}](?=\\d)", "|", value)
    if not re.fullmatch(r"[\d|.,]*\d[\d|.,]*", value):
        raise NumberNotUnderstood(gettext("Enter a number, for example 1250.50."))
    marks = {char for char in value if char in ".,"}
    integer, fraction = value, ""
    if len(marks) == 2:  # 1.250,50 or 1,250.50: the rightmost mark is the decimal one
        mark = max(".,", key=value.rindex)
        integer, _, fraction = value.rpartition(mark)
        integer = integer.replace({".": ",", ",": "."}[mark], "|")
    elif marks:
        mark = marks.pop()
        head, _, tail = value.partition(mark)
        if value.count(mark) > 1:
            integer = value.replace(mark, "|")
        elif len(tail) == 3 and head.lstrip("0") and "|" not in head:
            if mark != group_mark:
                raise NumberNotUnderstood(_ambiguous(original, head, tail, decimal_mark))
            integer = f"{head}|{tail}"
        else:
            integer, fraction = head, tail
    if fraction and not fraction.isdigit():
        raise NumberNotUnderstood(gettext("Enter a number, for example 1250.50."))
    whole = _whole_number(integer, original)
    try:
        return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
    except InvalidOperation:
        raise NumberNotUnderstood(gettext("Enter a number, for example 1250.50.")) from None


def _ambiguous(text: str, integer: str, fraction: str, decimal_mark: str) -> str:
    whole = integer
    return gettext(
        "“%(value)s” could mean %(thousands)s or %(decimal)s: type one of those to say which."
    ) % {
        "value": text.strip(),
        "thousands": f"{whole}{fraction}",
        "decimal": f"{whole}{decimal_mark}{fraction.rstrip('0') or '0'}",
    }


def format_decimal_for_input(value: Decimal, locale: str | None = None) -> str:
    """How an amount is shown back in a field: the locale's decimal mark, no grouping."""
    decimal_mark, _group = _symbols(locale or current_number_locale())
    return str(value).replace(".", decimal_mark)


class LocalizedDecimalInput(forms.TextInput):
    """A text input on phones' decimal keypad; the value is shown with the locale's mark."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal):
            return format_decimal_for_input(value)
        return super().format_value(value)


class LocalizedDecimalField(forms.DecimalField):
    """Every amount or quantity field: reads what people type (see the module's rules)."""

    widget = LocalizedDecimalInput
    default_error_messages = {"invalid": _("Enter a number, for example 1250.50.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_decimal(str(value))
        except NumberNotUnderstood as error:
            raise ValidationError(error.message, code="invalid") from None

    def widget_attrs(self, widget):
        return {}
