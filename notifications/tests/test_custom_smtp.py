"""An account in Custom SMTP mode sends every message through its own server, from its own
address; its password is never stored in clear; its host may not point inside our network."""

from __future__ import annotations

import socket

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from notifications import delivery
from notifications.models import EmailSending, Message
from notifications.notify import Recipient, notify
from notifications.smtp import HostRefused, check_host
from notifications.tests.smtp_server import PASSWORD, REFUSED, USER, free_port, smtp_server

__all__ = ["smtp_server"]  # the fixture, used by name

ANA = Recipient(email="ana@client.test", name="Ana")


def use_custom_smtp(tenant, server, *, password=PASSWORD, port=None, **extra) -> None:
    values = {
        "mode": EmailSending.Mode.CUSTOM,
        "host": server.host,
        "port": port or server.port,
        "security": EmailSending.Security.STARTTLS,
        "username": USER,
        "from_address": "invoices@alpha.example",
        "reply_to": "accounts@alpha.example",
        **extra,
    }
    with schema_context(tenant.schema_name):
        sending = EmailSending.current()
        for name, value in values.items():
            setattr(sending, name, value)
        sending.set_password(password)
        sending.save()


def notify_ana(tenant, key="test:1", recipient=ANA) -> int:
    """The message recorded, and its first attempt made once the transaction commits."""
    from django.test import TestCase

    context = {"account_name": "Alpha", "from_email": "Alpha Studio <billing@localhost>"}
    with schema_context(tenant.schema_name), TestCase.captureOnCommitCallbacks(execute=True):
        return notify(recipient, "email_sending.test", context, once_key=key)


def message_of(tenant, key="test:1") -> Message:
    with schema_context(tenant.schema_name):
        return Message.objects.get(key=key)


def test_a_custom_smtp_account_delivers_through_its_server_with_its_from_and_reply_to(
    alpha, smtp_server, mailoutbox
):
    use_custom_smtp(alpha, smtp_server)

    assert notify_ana(alpha) == 1

    (received,) = smtp_server.received
    assert received.recipients == ["ana@client.test"]
    assert received.sender == "invoices@alpha.example"
    # The account's sender name stays; the address is the account's own.
    assert received.message["From"] == "Alpha Studio <invoices@alpha.example>"
    assert received.message["Reply-To"] == "accounts@alpha.example"
    assert mailoutbox == []  # nothing went through the product's sending


def test_a_from_with_its_own_name_is_used_as_it_is(alpha, smtp_server):
    use_custom_smtp(alpha, smtp_server, from_address="Alpha Billing <bills@alpha.example>")

    notify_ana(alpha)

    assert smtp_server.received[0].message["From"] == "Alpha Billing <bills@alpha.example>"


def test_an_account_in_default_mode_and_the_root_domain_use_the_default_sending(
    alpha, beta, smtp_server, mailoutbox
):
    use_custom_smtp(alpha, smtp_server, mode=EmailSending.Mode.DEFAULT)

    notify_ana(alpha)
    notify(ANA, "email_sending.test", {"account_name": "Billing"})  # public schema

    assert smtp_server.received == []
    assert [mail.from_email for mail in mailoutbox] == [
        "Alpha Studio <billing@localhost>",
        "Billing <billing@localhost>",
    ]


def test_one_accounts_server_is_not_used_for_another_account(alpha, beta, smtp_server, mailoutbox):
    use_custom_smtp(alpha, smtp_server)

    notify_ana(beta)

    assert smtp_server.received == [] and len(mailoutbox) == 1


@pytest.mark.parametrize(
    "setup, reason",
    [
        ({"password": "wrong-password"}, "The server refused the user name or password"),
        ({"port": "closed"}, "could not be reached"),
    ],
    ids=["wrong password", "unreachable host"],
)
def test_a_server_failure_is_recorded_with_its_reason_and_retried_later_not_lost(
    alpha, smtp_server, setup, reason
):
    if setup.get("port") == "closed":
        setup = {"port": free_port()}  # nothing listens there
    use_custom_smtp(alpha, smtp_server, **setup)

    assert notify_ana(alpha) == 1

    assert smtp_server.received == []
    message = message_of(alpha)
    assert message.status == Message.Status.QUEUED and message.attempts == 1
    assert reason in message.error and message.next_attempt_at is not None
    assert message.has_problem  # shown on its pages while it waits

    use_custom_smtp(alpha, smtp_server)  # the administrator fixes the server
    with schema_context(alpha.schema_name):
        delivery.attempt(message.pk)  # the worker's next try

    assert len(smtp_server.received) == 1
    message = message_of(alpha)
    assert (message.status, message.attempts, message.error) == (Message.Status.SENT, 2, "")


def test_a_refused_recipient_bounces_with_the_servers_answer_and_is_not_retried(alpha, smtp_server):
    use_custom_smtp(alpha, smtp_server)

    notify_ana(alpha, recipient=Recipient(email=REFUSED))

    message = message_of(alpha)
    assert smtp_server.received == []
    assert message.status == Message.Status.BOUNCED and message.next_attempt_at is None
    assert "The server refused the recipient" in message.error and REFUSED in message.error
    assert message.can_resend
    assert notify_ana(alpha) == 0  # asked again under its key: still one message


def test_the_smtp_password_is_not_stored_in_clear(alpha, smtp_server):
    use_custom_smtp(alpha, smtp_server)

    with schema_context(alpha.schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT encrypted_password FROM notifications_emailsending")
        (stored,) = cursor.fetchone()
        # The whole table as a dump would print it.
        cursor.execute("SELECT t::text FROM notifications_emailsending AS t")
        dump = " ".join(row[0] for row in cursor.fetchall())
        assert EmailSending.current().password == PASSWORD

    assert stored and PASSWORD not in stored
    assert USER in dump and PASSWORD not in dump


# ---- server-side request forgery --------------------------------------------------------
@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1"])
def test_production_refuses_a_host_that_resolves_to_a_private_address(settings, address):
    settings.PRODUCTION = True

    with pytest.raises(HostRefused):
        check_host(address, 587)


def test_production_checks_every_address_a_name_resolves_to(settings, monkeypatch):
    settings.PRODUCTION = True
    answers = [("93.184.216.34", 587), ("10.0.0.5", 587)]  # public first, private second
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *args, **kwargs: [(socket.AF_INET, 1, 6, "", sockaddr) for sockaddr in answers],
    )

    with pytest.raises(HostRefused, match="10.0.0.5"):
        check_host("smtp.rebinding.example", 587)


def test_a_setting_allows_a_private_relay_and_development_allows_it(settings):
    settings.PRODUCTION = True
    settings.EMAIL_ALLOW_PRIVATE_SMTP_HOSTS = True
    check_host("10.1.2.3", 587)

    settings.PRODUCTION, settings.EMAIL_ALLOW_PRIVATE_SMTP_HOSTS = False, False
    check_host("127.0.0.1", 587)


def test_production_refuses_to_send_to_a_host_saved_before_it_pointed_inside(
    alpha, smtp_server, settings
):
    use_custom_smtp(alpha, smtp_server)  # localhost: saved while allowed
    settings.PRODUCTION = True

    notify_ana(alpha)

    assert smtp_server.received == []
    assert "private or local address" in message_of(alpha).error
