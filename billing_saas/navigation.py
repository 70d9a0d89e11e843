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
    path = request.path
    items = []
    for entry in _ENTRIES:
        if not entry.visible_to(user):
            continue
        url = reverse(entry.url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append(
            {
                "label": entry.label,
                "url": url,
                "icon": entry.icon,
                "active": active,
                "new_tab": entry.new_tab,
            }
        )
    return items
