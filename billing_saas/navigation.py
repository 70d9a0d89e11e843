"""The dashboard's left menu. Apps add their entries with ``add_menu_entry`` in AppConfig.ready."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    icon: str  # name of an icon in templates/partials/icon.html
    visible_to: Callable = lambda user: True
    order: int = 100
    new_tab: bool = False


_ENTRIES: list[MenuEntry] = []
_URLS: dict[tuple, str] = {}
_LABELS: dict[tuple, str] = {}


def add_menu_entry(entry: MenuEntry) -> None:
    if all(existing.url_name != entry.url_name for existing in _ENTRIES):
        _ENTRIES.append(entry)
        _ENTRIES.sort(key=lambda e: e.order)


@dataclass(frozen=True)
class MenuItem:
    """One entry as a page shows it; frozen, so the layout can keep the rendered menu by it
    (billing_saas/kept_parts.py)."""

    label: str
    url: str
    icon: str
    active: bool
    new_tab: bool


def menu_for(request) -> tuple[MenuItem, ...]:
    user = request.user
    # A page opened as a step of another flow (e.g. the catalog's install wizard) highlights
    # the entry of that flow, not its own.
    path = getattr(request, "menu_path", request.path)
    where = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
    items = [
        MenuItem(
            _label(where, entry), _url(where, entry.url_name), entry.icon, False, entry.new_tab
        )
        for entry in _ENTRIES
        if entry.visible_to(user)
    ]
    # One entry is the current one: the most specific (Clients, not Client Billing, at
    # /billing/clients/).
    matching = [
        index
        for index, item in enumerate(items)
        if (path == item.url if item.url == "/" else path.startswith(item.url))
    ]
    if matching:
        current = max(matching, key=lambda index: len(items[index].url))
        items[current] = replace(items[current], active=True)
    return tuple(items)


def _url(where: tuple, name: str) -> str:
    """``reverse(name)``, remembered per URL configuration, script prefix and language
    (``where``): every page's menu reverses the same few names, and reversing costs more than
    the rest of it."""
    key = (*where, name)
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = reverse(name)
    return url


def _label(where: tuple, entry: MenuEntry) -> str:
    """The entry's label in the active language (the last of ``where``), remembered: a
    plain string is also what the layout's kept menu is keyed by, at no cost."""
    key = (where[-1], entry.url_name)
    label = _LABELS.get(key)
    if label is None:
        label = _LABELS[key] = str(entry.label)
    return label


def _forget(**kwargs) -> None:
    _URLS.clear()  # a test changed a setting (URL configuration, languages, translations…)
    _LABELS.clear()


setting_changed.connect(_forget, dispatch_uid="menu-forget")
