"""Connections keep platform credentials encrypted in the account's own schema."""

import io

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection as db
from django_tenants.utils import schema_context

from billing_saas.testing.database import schemas_holding
from billing_saas.testing.fixtures import owner_of
from connectors import secrets, services
from connectors.base import ConnectedAccount
from connectors.models import Connection
from connectors.routing.models import AccountRoute


def connect(tenant, token="sk_test_abc123", account="acct_1"):
    with schema_context(tenant.schema_name):
        item = Connection(platform=Connection.Platform.STRIPE, remote_account_id=account)
        item.secrets = {"access_token": token}
        item.save()
        return item


def stored_value(tenant, pk) -> str:
    with schema_context(tenant.schema_name), db.cursor() as cursor:
        cursor.execute("SELECT encrypted_secrets FROM connectors_connection WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_tokens_are_stored_encrypted_and_read_back(alpha):
    item = connect(alpha)

    assert "sk_test_abc123" not in stored_value(alpha, item.pk)
    with schema_context(alpha.schema_name):
        assert Connection.objects.get(pk=item.pk).secrets == {"access_token": "sk_test_abc123"}


def test_a_connection_belongs_to_one_account(alpha, beta):
    account = ConnectedAccount("acct_1", "Alpha Studio", False, {"access_token": "sk_test_1"})
    with schema_context(alpha.schema_name):
        item = services.save_connection(alpha, owner_of(alpha), "stripe", "test", account)

    # Its row is in alpha's schema and nowhere else; the public schema only routes to it.
    assert schemas_holding(Connection, remote_account_id="acct_1") == [alpha.schema_name]
    route = AccountRoute.objects.get(remote_account_id="acct_1", active=True)
    assert (route.tenant, route.connection_id) == (alpha, item.pk)


def test_rotation_command_reencrypts_every_accounts_connections(alpha, beta, settings):
    old = settings.CONNECTOR_ENCRYPTION_KEYS[0]
    first, second = connect(alpha, "tok-a"), connect(beta, "tok-b")
    before = stored_value(alpha, first.pk)

    settings.CONNECTOR_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    call_command("rotate_connector_secrets", stdout=io.StringIO())
    settings.CONNECTOR_ENCRYPTION_KEYS = settings.CONNECTOR_ENCRYPTION_KEYS[:1]

    assert stored_value(alpha, first.pk) != before
    assert secrets.decrypt(stored_value(alpha, first.pk)) == '{"access_token": "tok-a"}'
    assert secrets.decrypt(stored_value(beta, second.pk)) == '{"access_token": "tok-b"}'
