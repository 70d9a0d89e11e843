"""The dashboard's left menu. Apps add their entries with ``add_menu_entry`` in AppConfig.ready."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    icon: str  # name of an icon in templates/partials/icon.html
    visible_to: Callable = lambda user: True
    order: int = 100
    new_tab: bool = False


_ENTRIES: list[MenuEntry] = []


def add_menu_entry(entry: MenuEntry) -> None:
    if all(existing.url_name != entry.url_name for existing in _ENTRIES):
        _ENTRIES.append(entry)
        _ENTRIES.sort(key=lambda e: e.order)


def menu_for(request) -> list[dict]:
    user = request.user
    # A page opened as a step of another flow (e.g. the catalog's install wizard) highlights
    # the entry of that flow, not its own.
    path = getattr(request, "menu_path", request.path)
    items = [
        {
            "label": entry.label,
            "url": reverse(entry.url_name),
            "icon": entry.icon,
            "active": False,
            "new_tab": entry.new_tab,
        }
        for entry in _ENTRIES
        if entry.visible_to(user)
    ]
    # One entry is the current one: the most specific (Clients, not Client Billing, at
    # /billing/clients/).
    matching = [
        item
        for item in items
        if (path == item["url"] if item["url"] == "/" else path.startswith(item["url"]))
    ]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return items
