"""A connection lost (or regained) on the platform: marked once, billing administrators told
once each, in their own language, whichever platform said so."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import make_member
from billing_saas.testing.quickbooks import connect_quickbooks
from billing_saas.testing.stripe import connect_stripe
from connectors import inbox
from connectors.base import ClientRef, PlatformError
from connectors.models import Connection
from connectors.registry import platform_for
from connectors.tasks import drain_inbox
from connectors.tests.test_quickbooks import expire_access
from emulators.stripe.server import TEST_WEBHOOK_SECRET
from emulators.stripe.webhooks import sign
from tenants.members.models import Role


@pytest.fixture
def admins(alpha):
    """Besides the owner: a French-speaking SuperUser, and an employee who is told nothing."""
    make_member(alpha, "sam@alpha.example", Role.SUPERUSER, language="fr")
    make_member(alpha, "eli@alpha.example", Role.EMPLOYEE)


def deliver(root_client, event):
    body = json.dumps(event)
    return root_client.post(
        "/webhooks/stripe/test/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body, TEST_WEBHOOK_SECRET),
    )


def status_of(tenant, connection):
    with schema_context(tenant.schema_name):
        return Connection.objects.get(pk=connection.pk).status


def deauthorized_on_stripe(emulator, connection):
    """The account's owner removes our app in Stripe's dashboard: Stripe's event."""
    emulator.state.deauthorize(connection.remote_account_id)
    return emulator.state.accounts[connection.remote_account_id].events[-1]


def test_a_stripe_deauthorization_marks_the_connection_and_tells_each_billing_admin_once(
    stripe_platform, alpha, admins, root_client, mailoutbox
):
    stripe_platform.sender.paused = True  # the test delivers the event itself
    connection = connect_stripe(stripe_platform, alpha)
    event = deauthorized_on_stripe(stripe_platform, connection)

    assert deliver(root_client, event).status_code == 200
    drain_inbox(alpha.schema_name)

    assert status_of(alpha, connection) == "needs_reconnecting"
    by_reader = {mail.to[0]: mail for mail in mailoutbox}
    assert sorted(by_reader) == ["owner@alpha.example", "sam@alpha.example"]
    assert by_reader["owner@alpha.example"].subject == "Stripe needs reconnecting"
    assert "removed our application's access" in by_reader["owner@alpha.example"].body
    assert by_reader["sam@alpha.example"].subject == "Stripe : reconnexion nécessaire"


def test_the_same_news_again_emails_no_one(stripe_platform, alpha, admins, root_client, mailoutbox):
    stripe_platform.sender.paused = True
    connection = connect_stripe(stripe_platform, alpha)
    event = deauthorized_on_stripe(stripe_platform, connection)
    deliver(root_client, event)
    drain_inbox(alpha.schema_name)
    told = len(mailoutbox)

    deliver(root_client, event)  # Stripe delivers it again
    deliver(root_client, {**event, "id": event["id"] + "again"})  # or another event says so
    drain_inbox(alpha.schema_name)

    assert told == 2 and len(mailoutbox) == told
    assert status_of(alpha, connection) == "needs_reconnecting"


def test_an_account_able_to_charge_again_is_connected_again_and_admins_are_told(
    stripe_platform, alpha, root_client, mailoutbox
):
    stripe_platform.sender.paused = True
    connection = connect_stripe(stripe_platform, alpha)
    account = stripe_platform.state.accounts[connection.remote_account_id].account
    stopped = {**account, "charges_enabled": False}
    emit = stripe_platform.state.emit
    deliver(root_client, emit(connection.remote_account_id, "account.updated", stopped))
    drain_inbox(alpha.schema_name)
    assert status_of(alpha, connection) == "needs_reconnecting"
    assert "Stripe has stopped charges" in mailoutbox[-1].body

    deliver(root_client, emit(connection.remote_account_id, "account.updated", account))
    drain_inbox(alpha.schema_name)

    assert status_of(alpha, connection) == "connected"
    assert mailoutbox[-1].subject == "Stripe can take payments" and len(mailoutbox) == 2


def test_a_refused_quickbooks_refresh_token_marks_the_connection_and_tells_admins_once(
    quickbooks_platform, alpha, admins, mailoutbox
):
    connection = connect_quickbooks(quickbooks_platform, alpha)
    quickbooks_platform.state.refresh_tokens.clear()  # revoked in QuickBooks
    with schema_context(alpha.schema_name):
        expire_access(connection)
        books = platform_for(connection)
        for _attempt in range(2):  # the second call finds the connection marked
            with pytest.raises(PlatformError) as refused:
                books.ensure_customer(ClientRef(1, "Dana", "dana@client.test"))
    assert "reconnect" in refused.value.message

    assert status_of(alpha, connection) == "needs_reconnecting"
    subjects = sorted((mail.to[0], mail.subject) for mail in mailoutbox)
    assert subjects == [
        ("owner@alpha.example", "QuickBooks Payments needs reconnecting"),
        ("sam@alpha.example", "QuickBooks Payments : reconnexion nécessaire"),
    ]


def test_the_inbox_knows_no_platform_event_name():
    """Stripe's ``account.updated``, QuickBooks' ``Invoice.Update``: each platform's own."""
    source = Path(inbox.__file__).read_text()
    assert re.findall(r"[\"'](?:[a-z_]+\.[a-z_.]+|[A-Z][a-z]+\.[A-Z][a-z]+)[\"']", source) == []
