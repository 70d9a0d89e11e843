"""Parts of a page rendered once per process, re-used while what they show is the same.

``{% keep name=value … %}…{% endkeep %}`` (``{% load kept_parts %}``) renders its content with
only the named values in its context, never the page's own variables, and keeps the HTML in
this process under those values, the part's place in its template, and all else its output
depends on: the active language, time zone and number locale, the URL configuration, script
prefix and current app, the escaping and localisation switches, and the settings (every part
is dropped when a test overrides one). So a part is only re-used where it would render the
same: it cannot show a value its key does not name (another user, account or language is
another key), and nothing needs invalidating, since a change of what it shows (a renamed
account, a menu entry that appears) is a change of key.

For the layout's shell (its menu, the user menu), a page's fixed header, and any fixed piece
with URLs or static files' URLs: translations, URL reversals and includes cost more than the
rest of a page.

The values must be known by their value: strings (a safe string is told apart from a plain
one, which is escaped), integers, booleans, dates, None, and tuples, lists and frozen
dataclasses of them; lazy translations are read in the active language. Anything else is
refused at render time. ``{% csrf_token %}``, ``{% block %}`` and ``{% now %}`` are refused when
the template is compiled: their output is per request, per page or per moment.
"""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date

from django import template
from django.core.signals import setting_changed
from django.template.defaulttags import CsrfTokenNode, NowNode
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from billing_saas.number_input import current_number_locale

register = template.Library()

# Parts are a few kilobytes; each process keeps at most this many (all are dropped when it is
# reached, as tenants/routing_cache.py does: cheaper than tracking which is least used).
MAX_PARTS = 1000
_kept: dict = {}
_places = itertools.count()
_SCALARS = (SafeString, int, bool, date, type(None))
_FIELDS: dict[type, tuple[str, ...] | None] = {}
_PER_REQUEST = (CsrfTokenNode, BlockNode, NowNode)


def _forget(**kwargs) -> None:
    # Settings (static files' URL, languages…) are the same for a process's whole life, but
    # not for a test that overrides one.
    _kept.clear()


setting_changed.connect(_forget, dispatch_uid="kept-parts-forget")


class KeptPart(template.Node):
    def __init__(self, values: dict, nodelist):
        self.values = values
        self.nodelist = nodelist
        self.place = next(_places)  # this part of this compiled template

    def render(self, context):
        values = {name: value.resolve(context) for name, value in self.values.items()}
        current_app = _current_app(context)
        key = (
            self.place,
            get_language(),
            timezone.get_current_timezone_name(),
            current_number_locale(),
            get_urlconf(),
            get_script_prefix(),
            current_app,
            context.autoescape,
            context.use_l10n,
            context.use_tz,
            tuple(map(_frozen, values.values())),  # in the tag's order: the same at a place
        )
        html = _kept.get(key)
        if html is None:
            inner = context.new(values)
            inner.request = _RequestForUrls(current_app)
            html = self.nodelist.render(inner)
            if len(_kept) >= MAX_PARTS:
                _kept.clear()
            _kept[key] = html
        return html


class _RequestForUrls:
    """All a kept part sees of the request: the current app, which ``{% url %}`` reads."""

    def __init__(self, current_app):
        self.current_app = current_app


def _current_app(context):
    # As {% url %} finds it.
    request = getattr(context, "request", None)
    if hasattr(request, "current_app"):
        return request.current_app
    return getattr(getattr(request, "resolver_match", None), "namespace", None)


def _frozen(value):
    """``value`` as a key: equal only for values that render the same (``1`` and ``True``,
    ``"<b>"`` and a safe ``"<b>"`` are equal in Python but not on a page)."""
    kind = type(value)
    if kind is str:
        return value  # as itself: every other kind is keyed as a tuple, never equal to it
    if kind in _SCALARS:
        return (kind, value)
    if kind is tuple or kind is list:
        return (kind, tuple(map(_frozen, value)))
    if isinstance(value, Promise):
        return str(value)  # a lazy translation renders as the plain string it reads as
    names = _fields_of(kind)
    if names is None:
        raise TypeError(f"{{% keep %}} cannot key a part on a {kind.__name__}: pass its fields")
    return (kind, tuple(_frozen(getattr(value, name)) for name in names))


def _fields_of(kind) -> tuple[str, ...] | None:
    """The field names of a frozen dataclass, or ``None`` for any other kind."""
    if kind not in _FIELDS:
        frozen = dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen
        _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind)) if frozen else None
    return _FIELDS[kind]


@register.tag
def keep(parser, token):
    """``{% keep name=value … %}…{% endkeep %}``: see the module's docstring."""
    bits = token.split_contents()[1:]
    values = template.base.token_kwargs(bits, parser, support_legacy=False)
    if bits:
        raise template.TemplateSyntaxError("{% keep %} takes name=value arguments only.")
    nodelist = parser.parse(("endkeep",))
    parser.delete_first_token()
    for kind in _PER_REQUEST:
        if nodelist.get_nodes_by_type(kind):
            raise template.TemplateSyntaxError(
                f"{{% keep %}} cannot hold a {kind.__name__}: its output is not the same for "
                "every page that shows the same values."
            )
    return KeptPart(values, nodelist)
