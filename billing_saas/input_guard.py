"""Refuses, with the 400 page, any request carrying text the database cannot store.

PostgreSQL text cannot hold a NUL character, and UTF-8 cannot encode a lone surrogate: a search,
a form field or a file name carrying one would reach a query and fail there with a server
error. Forms' text fields already refuse NUL, but views read ``request.GET`` directly and choice,
number fields don't check, so every request is checked once, here, before any view.
A query string whose percent-escapes are not UTF-8 is refused too, rather than searched for
with replacement characters.
Uploaded file names need no check: Django drops their unprintable characters.

Views marked ``csrf_exempt`` (the platforms' webhooks) read their raw body themselves and are
left to their own parsers; their address is still checked.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.utils.translation import gettext as _

from billing_saas.errors import BadInput, bad_request


def is_storable(text: str) -> bool:
    """Whether PostgreSQL can store (and compare with) ``text``."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _all_storable(pairs) -> bool:
    return all(is_storable(name) and is_storable(value) for name, value in pairs)


def _query_string_is_utf8(request) -> bool:
    raw = get_bytes_from_wsgi(request.environ, "QUERY_STRING", "")
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class InputGuardMiddleware:
    """Place it before SessionMiddleware: it drops unstorable cookies before the session (or
    anything else) looks them up, and checks the rest once the view is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A cookie is ours to set: one we could never have written is ignored, not refused,
        # so a corrupted cookie cannot lock a browser out of every page.
        for name, value in list(request.COOKIES.items()):
            if not (is_storable(name) and is_storable(value)):
                del request.COOKIES[name]
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        address_ok = is_storable(request.path) and _query_string_is_utf8(request)
        if not address_ok or not _all_storable(_flat(request.GET)):
            return _refuse(
                request,
                _(
                    "The page address contains characters we cannot accept (such as a null "
                    "character). Nothing was changed."
                ),
            )
        if getattr(view_func, "csrf_exempt", False):
            return None
        if not _all_storable(_flat(request.POST)):
            return _refuse(
                request,
                _(
                    "The form contains characters we cannot accept (such as a null character). "
                    "Nothing was saved."
                ),
            )
        return None


def _refuse(request, reason):
    """Our 400 page with the reason, in development too (where a raised BadRequest would
    show Django's debug page)."""
    return bad_request(request, BadInput(reason))


def _flat(multi_value_dict):
    return [(name, value) for name, values in multi_value_dict.lists() for value in values]
