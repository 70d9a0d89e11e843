"""The left menu marks one entry as the current page (the most specific one), and its remembered
addresses follow the script prefix."""

from __future__ import annotations

import re

from django.test import RequestFactory
from django.urls import set_script_prefix
from django_tenants.utils import schema_context

from billing_saas.navigation import menu_for
from billing_saas.testing.fixtures import client_on, owner_of
from solutions.models import Installation


def active_entries(page: str) -> list[str]:
    return re.findall(r'class="menu__link is-active".*?<span>([^<]+)</span>', page, re.S)


def test_a_page_under_another_entry_highlights_only_its_own(alpha):
    with schema_context(alpha.schema_name):
        Installation.objects.update_or_create(
            solution="client-billing", defaults={"status": Installation.Status.INSTALLED}
        )
    owner = client_on(alpha, owner_of(alpha))

    assert active_entries(owner.get("/billing/clients/").content.decode()) == ["Clients"]
    assert active_entries(owner.get("/billing/").content.decode()) == ["Client Billing"]
    assert active_entries(owner.get("/").content.decode()) == ["Dashboard"]


def test_the_menus_addresses_follow_the_script_prefix(alpha):
    """The menu remembers its reversed addresses per script prefix (and URL configuration)."""
    owner = owner_of(alpha)
    request = RequestFactory().get("/")
    request.user = owner
    with schema_context(alpha.schema_name):
        assert [item.url for item in menu_for(request)][0] == "/"
        try:
            set_script_prefix("/under/")
            assert all(item.url.startswith("/under/") for item in menu_for(request))
        finally:
            set_script_prefix("/")
