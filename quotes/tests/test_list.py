"""The quotes list: newest first, filtered by status, searched by number, client or notes."""

from __future__ import annotations

from django_tenants.utils import schema_context

from clients.models import Client
from quotes.tests.conftest import quebec_quote, send_quote


def rows(page) -> int:
    return page.content.decode().count("data-quote=")


def test_the_list_filters_by_status_and_searches_number_client_and_notes(
    alpha, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    with schema_context(alpha.schema_name):
        bo = Client.objects.create(name="Bo Builder", email="bo@client.test")
    sent = send_quote(alpha, quebec_quote(alpha).pk, django_capture_on_commit_callbacks)
    quebec_quote(alpha, client=bo, notes="Includes the scaffolding")

    assert rows(owner_client.get("/billing/quotes/")) == 2
    assert rows(owner_client.get("/billing/quotes/?status=sent")) == 1
    assert rows(owner_client.get("/billing/quotes/?status=draft")) == 1
    assert rows(owner_client.get("/billing/quotes/?status=converted")) == 0
    assert rows(owner_client.get(f"/billing/quotes/?q={sent.number}")) == 1
    assert rows(owner_client.get("/billing/quotes/?q=builder")) == 1
    assert rows(owner_client.get("/billing/quotes/?q=scaffolding")) == 1
    assert "No quote matches" in owner_client.get("/billing/quotes/?q=nothing").content.decode()
    # An unknown status is no filter at all, not an error.
    assert rows(owner_client.get("/billing/quotes/?status=bogus&page=99")) == 2
