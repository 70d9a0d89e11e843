"""Platform credentials are encrypted at rest with their own, rotatable keys."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context

from connectors import secrets
from notifications.models import EmailSending, SmsSending


@pytest.fixture
def keys(settings):
    def use(*keys):
        settings.CONNECTOR_ENCRYPTION_KEYS = list(keys)

    return use


def test_a_secret_round_trips_and_is_not_stored_in_clear(keys):
    keys(Fernet.generate_key().decode())
    token = secrets.encrypt("sk_test_live_token")
    assert "sk_test_live_token" not in token
    assert secrets.decrypt(token) == "sk_test_live_token"


def test_rotation_reencrypts_with_the_newest_key_and_old_keys_can_then_go(keys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys(old)
    token = secrets.encrypt("refresh-token")

    keys(new, old)
    rotated = secrets.rotate(token)
    keys(new)

    assert secrets.decrypt(rotated) == "refresh-token"
    with pytest.raises(secrets.SecretUnreadable):
        secrets.decrypt(token)


def test_the_encryption_key_is_not_the_secret_key(keys, settings):
    key = Fernet.generate_key().decode()
    keys(key)
    token = secrets.encrypt("sk_live_token")

    assert Fernet(key.encode()).decrypt(token.encode()) == b"sk_live_token"  # this key, alone
    settings.SECRET_KEY = "a-rotated-django-secret-key"
    assert secrets.decrypt(token) == "sk_live_token"  # rotating SECRET_KEY loses nothing


# The account's own secrets beside the connections: (model, column, setter, getter, counted as).
ACCOUNT_SECRETS = [
    (EmailSending, "encrypted_password", "set_password", "password", "SMTP password(s)"),
    (SmsSending, "encrypted_auth_token", "set_auth_token", "auth_token", "Twilio auth token(s)"),
]


def _stored(tenant, model, column) -> str:
    with schema_context(tenant.schema_name), connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table}")  # noqa: S608 - ours
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    "model, column, setter, getter, counted", ACCOUNT_SECRETS, ids=["smtp", "twilio"]
)
def test_rotation_command_reencrypts_each_accounts_own_secret(
    alpha, keys, settings, model, column, setter, getter, counted
):
    # Accounts other tests committed keep secrets under the suite's own keys: still readable.
    suite_keys = list(settings.CONNECTOR_ENCRYPTION_KEYS)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys(old)
    with schema_context(alpha.schema_name):
        sending = model.current()
        getattr(sending, setter)("secret-of-alpha")
        sending.save()
    before = _stored(alpha, model, column)

    keys(new, old, *suite_keys)
    out = io.StringIO()
    call_command("rotate_connector_secrets", stdout=out)
    keys(new)

    assert _stored(alpha, model, column) != before
    assert counted in out.getvalue()
    with schema_context(alpha.schema_name):
        assert getattr(model.current(), getter) == "secret-of-alpha"  # the old key is gone


def test_rotation_command_reencrypts_the_text_of_messages_still_waiting(alpha, keys, settings):
    from notifications.models import Message

    suite_keys = list(settings.CONNECTOR_ENCRYPTION_KEYS)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys(old)
    with schema_context(alpha.schema_name):
        waiting = Message.objects.create(
            key="waiting", channel="sms", content=secrets.encrypt('{"body": "pay at /pay/x/"}')
        )
        Message.objects.create(key="left", channel="sms", status="delivered")

    keys(new, old, *suite_keys)
    out = io.StringIO()
    call_command("rotate_connector_secrets", stdout=out)
    keys(new)

    assert "waiting message(s)" in out.getvalue()  # other accounts may have some too
    with schema_context(alpha.schema_name):
        waiting.refresh_from_db()
        assert secrets.decrypt(waiting.content) == '{"body": "pay at /pay/x/"}'
