"""Which language each reader gets, and the locale their amounts and dates are shown in.

- A member of an account: the language of their profile, else the account's.
- A visitor of an account's pages who is not signed in: the one they picked (the language
  cookie), else the account's.
- A visitor of the root domain (sign-up, find my account): the one they picked, else their
  browser's, else English.
- A client: their own (``Client.language``, chosen by the provider, changeable by the
  client on its pay page), else the account's; used for its emails and pay pages.

Numbers, amounts and dates follow the language and the account's country (``fr`` in Canada
is ``fr_CA``), see ``current_locale``.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import connection
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_tenants.utils import get_public_schema_name

CODES = frozenset(code for code, _name in settings.LANGUAGES)


def supported(code: str | None) -> str:
    """``code`` if we have that language (``fr-ca`` counts as ``fr``), else ``""``."""
    if not code:
        return ""
    code = code.lower().replace("_", "-")
    if code in CODES:
        return code
    base = code.split("-")[0]
    return base if base in CODES else ""


def name(code: str) -> str:
    """A language named in itself: "Français", as people look for their own."""
    local = translation.get_language_info(code)["name_local"]
    return local[:1].upper() + local[1:]


def choices(blank_label: str = "") -> list[tuple[str, str]]:
    named = [(code, name(code)) for code in sorted(CODES)]
    return ([("", blank_label)] if blank_label else []) + named


def country_choices(blank_label: str = "") -> list[tuple[str, str]]:
    """Every country, named in the active language (CLDR's names, through Babel) and in
    that language's alphabetical order."""
    import unicodedata

    from babel import Locale

    names = Locale.parse(translation.to_locale(translation.get_language() or "en")).territories
    countries = [(code, name) for code, name in names.items() if len(code) == 2 and code.isalpha()]
    countries = [item for item in countries if item[0] not in NOT_COUNTRIES]

    def collation_key(item):
        folded = unicodedata.normalize("NFKD", item[1].casefold())
        return "".join(char for char in folded if not unicodedata.combining(char))

    countries.sort(key=collation_key)
    return ([("", blank_label)] if blank_label else []) + countries


# CLDR regions that are not places an account is in: unknown, pseudo and grouping codes.
NOT_COUNTRIES = frozenset({"ZZ", "XA", "XB", "QO", "EU", "EZ", "UN"})


def country_from_browser(accept_language: str) -> str:
    """``CA`` for ``fr-CA,fr;q=0.9``: the first region a browser's languages name."""
    from django.utils.translation.trans_real import parse_accept_lang_header

    for tag, _quality in parse_accept_lang_header((accept_language or "")[:255]):
        parts = tag.replace("_", "-").split("-")
        if len(parts) > 1 and len(parts[-1]) == 2 and parts[-1].isalpha():
            return parts[-1].upper()
    return ""


def active_tenant():
    """The account whose schema is active. ``schema_context`` activates a schema with a
    stand-in that knows only its name: the account is then looked up (and remembered)."""
    tenant = getattr(connection, "tenant", None)
    schema_name = getattr(connection, "schema_name", "")
    if tenant is None or not schema_name or schema_name == get_public_schema_name():
        return None
    if hasattr(tenant, "language"):
        return tenant
    from tenants.models import Tenant
    from tenants.routing_cache import remembered_account

    # The look-up of tenant tasks (tenants/tasking.py), sharing its remembered answer.
    return remembered_account(
        ("schema", schema_name),
        lambda: Tenant.objects.filter(schema_name=schema_name, is_active=True).first(),
    )


def account_language(tenant=None) -> str:
    tenant = tenant or active_tenant()
    return supported(getattr(tenant, "language", "")) or settings.LANGUAGE_CODE


def member_language(user, tenant=None) -> str:
    return supported(getattr(user, "language", "")) or account_language(tenant)


def client_language(client, tenant=None) -> str:
    return supported(getattr(client, "language", "")) or account_language(tenant)


def current_locale(language: str | None = None, tenant=None) -> str:
    """The Babel locale for ``language`` (by default the active one) in the account's
    country: ``fr_CA``, ``en_FR``… Babel knows how each writes numbers and currencies."""
    language = supported(language or translation.get_language()) or settings.LANGUAGE_CODE
    return _babel_locale(language, getattr(tenant or active_tenant(), "country", ""))


@functools.lru_cache(maxsize=512)
def _babel_locale(language: str, country: str) -> str:
    """Parsed once per process for each pair: every amount on a page asks."""
    from babel import Locale, UnknownLocaleError

    if country:
        try:
            return str(Locale.parse(f"{language}_{country}"))
        except (ValueError, UnknownLocaleError):
            pass
    return language


def language_for(request) -> str:
    """The language of ``request``'s page, as the module docstring says."""
    picked = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_public or not tenant.is_active:
        return picked or supported(translation.get_language_from_request(request))
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return member_language(user, tenant)
    return picked or account_language(tenant)


class LanguageMiddleware:
    """Django's ``LocaleMiddleware``, choosing as the module docstring says. Views for a
    client (pay pages) switch to the client's language themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            chosen_now = translation.get_language()
            translation.deactivate()
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", chosen_now)
        return response
