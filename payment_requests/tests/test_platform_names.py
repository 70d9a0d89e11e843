"""Client Billing names the payment account by its business, not by its platform id; its
dates read the same in the list and in the side panel."""

from __future__ import annotations

import re

from django.utils import formats
from django_tenants.utils import schema_context

from connectors.models import Connection
from payment_requests.models import PaymentRequest
from payment_requests.tests.conftest import make_request


def add_connection(tenant, name="Harbour Design Ltd", account="acct_1Harbour"):
    with schema_context(tenant.schema_name):
        return Connection.objects.create(
            platform="stripe", mode="test", remote_account_id=account, display_name=name
        )


def test_the_settings_select_names_each_connected_business(alpha, owner_client):
    add_connection(alpha)
    add_connection(alpha, name="", account="acct_1Unnamed")

    page = owner_client.get("/billing/settings/").content.decode()

    options = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", page)
    assert "Harbour Design Ltd — Stripe, Test mode (acct_1Harbour)" in options
    assert "Stripe, Test mode (acct_1Unnamed)" in options


def test_the_side_panel_names_the_business_with_the_id_second(alpha, owner_client):
    connection = add_connection(alpha)
    item = make_request(alpha)
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=item.pk).update(status="sent", connection=connection)

    page = owner_client.get(f"/billing/?open={item.pk}").content.decode()

    panel = page[page.index('id="panel"') :]
    assert "<strong>Harbour Design Ltd</strong>" in panel
    assert re.search(r'connection-name__id muted">Stripe · <code>acct_1Harbour</code>', panel)
    assert "Back to requests" in panel


def test_the_list_and_the_panel_show_due_dates_in_the_same_locale_format(alpha, owner_client):
    item = make_request(alpha)
    due = formats.date_format(item.due_date, "DATE_FORMAT")

    page = owner_client.get(f"/billing/?open={item.pk}").content.decode()

    assert re.search(rf'<td class="requests__due"[^>]*>{re.escape(due)}</td>', page)
    assert f"<dd>{due}</dd>" in page
    assert item.due_date.strftime("%m/%d/%Y") not in page
