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


def _stored_smtp_password(tenant) -> str:
    with schema_context(tenant.schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT encrypted_password FROM notifications_emailsending")
        return cursor.fetchone()[0]


def test_rotation_command_reencrypts_each_accounts_smtp_password(alpha, keys, settings):
    # Accounts other tests committed keep secrets under the suite's own keys: still readable.
    suite_keys = list(settings.CONNECTOR_ENCRYPTION_KEYS)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys(old)
    with schema_context(alpha.schema_name):
        sending = EmailSending.current()
        sending.set_password("smtp-pass-alpha")
        sending.save()
    before = _stored_smtp_password(alpha)

    keys(new, old, *suite_keys)
    out = io.StringIO()
    call_command("rotate_connector_secrets", stdout=out)
    keys(new)

    assert _stored_smtp_password(alpha) != before
    assert "SMTP password(s)" in out.getvalue()
    with schema_context(alpha.schema_name):
        assert EmailSending.current().password == "smtp-pass-alpha"  # the old key is gone


def _stored_twilio_token(tenant) -> str:
    with schema_context(tenant.schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT encrypted_auth_token FROM notifications_smssending")
        return cursor.fetchone()[0]


def test_rotation_command_reencrypts_each_accounts_twilio_auth_token(alpha, keys, settings):
    # Accounts other tests committed keep secrets under the suite's own keys: still readable.
    suite_keys = list(settings.CONNECTOR_ENCRYPTION_KEYS)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys(old)
    with schema_context(alpha.schema_name):
        sending = SmsSending.current()
        sending.set_auth_token("twilio-token-alpha")
        sending.save()
    before = _stored_twilio_token(alpha)

    keys(new, old, *suite_keys)
    out = io.StringIO()
    call_command("rotate_connector_secrets", stdout=out)
    keys(new)

    assert _stored_twilio_token(alpha) != before
    assert "Twilio auth token(s)" in out.getvalue()
    with schema_context(alpha.schema_name):
        assert SmsSending.current().auth_token == "twilio-token-alpha"  # the old key is gone
