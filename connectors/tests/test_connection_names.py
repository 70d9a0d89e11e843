"""Connections are shown by the business or company name; the platform id comes second."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from billing_saas.testing.stripe import connect_stripe
from connectors import inbox
from connectors.base import InboundPayload
from connectors.models import Connection

SETTINGS = "/settings/payments/"
NEW_ACCOUNT = SETTINGS + "stripe/new-account/"
WIZARD = "/catalog/client-billing/install/"


def add_connection(tenant, *, platform="stripe", account="acct_1NamedStudio", name="Fern Studio"):
    with schema_context(tenant.schema_name):
        return Connection.objects.create(
            platform=platform, mode="test", remote_account_id=account, display_name=name
        )


@pytest.fixture
def owner(alpha):
    return client_on(alpha, owner_of(alpha))


def active_menu_entries(page: str) -> list[str]:
    return re.findall(r'class="menu__link is-active".*?<span>([^<]+)</span>', page, re.S)


def muted_id(page: str, account: str) -> bool:
    return bool(re.search(rf'class="connection-name__id muted">[^<]*<code>{account}</code>', page))


def test_the_connections_page_names_the_business_and_mutes_the_id(alpha, owner):
    add_connection(alpha)
    add_connection(alpha, platform="quickbooks", account="9130357766", name="Fern Books LLC")

    page = owner.get(SETTINGS).content.decode()

    assert "<strong>Fern Studio</strong>" in page and muted_id(page, "acct_1NamedStudio")
    assert "<strong>Fern Books LLC</strong>" in page and muted_id(page, "9130357766")
    assert "Disconnect Fern Studio?" in page


def test_connecting_and_disconnecting_name_the_business(stripe_platform, alpha, owner):
    connection = connect_stripe(stripe_platform, alpha, business_name="Fern Studio")

    page = owner.post(f"{SETTINGS}{connection.pk}/disconnect/", follow=True).content.decode()

    assert "Stripe account “Fern Studio” disconnected." in page


def test_the_create_account_page_says_it_creates_a_stripe_account(stripe_platform, alpha, owner):
    connections = owner.get(SETTINGS).content.decode()
    assert "Create a client billing account" not in connections
    assert f'href="{NEW_ACCOUNT}">Create a Stripe account</a>' in connections

    page = owner.get(NEW_ACCOUNT).content.decode()

    assert "<title>Create a Stripe account" in page
    assert "<h1>Create a Stripe account</h1>" in page
    assert '<button type="submit" class="button">Create my Stripe account</button>' in page
    assert ">Connect<" not in page
    assert "wizard__steps" not in page  # not opened from the wizard
    assert active_menu_entries(page) == ["Payment platforms"]


def test_opened_from_the_wizard_the_create_account_page_stays_a_wizard_step(
    stripe_platform, alpha, owner
):
    back = WIZARD + "?step=connection"

    page = owner.get(f"{NEW_ACCOUNT}?next={quote(back)}").content.decode()

    assert 'class="wizard__steps"' in page
    assert re.search(r'aria-current="step">Connection<', page)
    assert active_menu_entries(page) == ["Catalog"]
    assert f'class="button button--secondary" href="{back}">Cancel</a>' in page


def test_the_wizard_lists_connections_by_name(alpha, owner):
    connection = add_connection(alpha)
    owner.get(WIZARD)
    owner.post(WIZARD + "?step=platform", {"platform": "stripe"})

    page = owner.get(WIZARD + "?step=connection").content.decode()
    assert "<strong>Fern Studio</strong>" in page and muted_id(page, "acct_1NamedStudio")

    owner.post(WIZARD + "?step=connection", {"connection": connection.pk})
    confirm = owner.get(WIZARD + "?step=confirm").content.decode()
    assert "<strong>Fern Studio</strong>" in confirm


def test_a_connection_reads_as_its_business_in_a_list_of_choices(alpha):
    named = add_connection(alpha)
    unnamed = add_connection(alpha, account="acct_1NoNameYet", name="")

    assert str(named) == "Fern Studio — Stripe, Test mode (acct_1NamedStudio)"
    assert str(unnamed) == "Stripe, Test mode (acct_1NoNameYet)"


def test_account_updated_renames_the_connection(alpha):
    connection = add_connection(alpha, name="Old Name")
    event = {
        "id": "evt_renamed",
        "type": "account.updated",
        "account": connection.remote_account_id,
        "data": {"object": {"id": connection.remote_account_id,
                            "business_profile": {"name": "Fern & Co Studio"}}},
    }  # fmt: skip
    with schema_context(alpha.schema_name):
        stored = inbox.store(
            connection.pk,
            InboundPayload("evt_renamed", "account.updated", connection.remote_account_id,
                           False, event),
            source="webhook",
        )  # fmt: skip
        assert inbox.process(stored) == "applied"
        connection.refresh_from_db()

    assert connection.display_name == "Fern & Co Studio"
