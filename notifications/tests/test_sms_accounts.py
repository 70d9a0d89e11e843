"""Which Twilio account an account's SMS leave through (its own when it chose one, else the
product's), the token its callbacks are checked with, and ``find_sent``: whether a text
already went, so a retry after a crash does not send it twice."""

from __future__ import annotations

import time
from datetime import timedelta
from email.utils import formatdate

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from emulators.twilio.server import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER
from notifications.models import SmsSending
from notifications.sms import (
    SmsAccount,
    SmsError,
    auth_token_for,
    configured,
    find_sent,
    send_sms,
    sending_account,
)

OWN_SID, OWN_TOKEN, OWN_NUMBER = (
    "AC" + "a1" * 16,
    "alpha-own-token-0123456789abcdef",
    "+15005550007",
)
ANA = "+33612345678"
PRODUCT = SmsAccount(ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER)


def use_own_twilio(tenant, mode="custom", **fields) -> None:
    with schema_context(tenant.schema_name):
        sending = SmsSending.current()
        sending.mode = mode
        sending.account_sid = fields.get("account_sid", OWN_SID)
        sending.from_number = fields.get("from_number", OWN_NUMBER)
        sending.messaging_service_sid = fields.get("messaging_service_sid", "")
        sending.set_auth_token(fields.get("auth_token", OWN_TOKEN))
        sending.save()


@pytest.fixture
def own_twilio(alpha, twilio_platform):
    twilio_platform.add_account(OWN_SID, OWN_TOKEN)
    use_own_twilio(alpha)
    return twilio_platform


def test_an_account_with_its_own_twilio_sends_through_it(alpha, own_twilio):
    with schema_context(alpha.schema_name):
        send_sms(ANA, "Hello from Alpha")

    (sms,) = own_twilio.sent_to(ANA)
    assert (sms["account_sid"], sms["from"]) == (OWN_SID, OWN_NUMBER)


def test_other_accounts_and_the_root_domain_send_through_the_products(alpha, beta, own_twilio):
    with schema_context(beta.schema_name):
        send_sms(ANA, "Hello from Beta")
    send_sms(ANA, "Hello from the product")  # the public schema

    assert [m["account_sid"] for m in own_twilio.sent_to(ANA)] == [ACCOUNT_SID] * 2


def test_an_account_back_on_the_default_sending_uses_the_products(alpha, own_twilio):
    use_own_twilio(alpha, mode="default")

    with schema_context(alpha.schema_name):
        assert sending_account() == PRODUCT
        send_sms(ANA, "Hello")

    assert own_twilio.sent_to(ANA)[0]["account_sid"] == ACCOUNT_SID


def test_a_messaging_service_of_its_own_account_picks_the_sender(alpha, twilio_platform):
    service = "MG" + "b2" * 16
    twilio_platform.add_account(OWN_SID, OWN_TOKEN, {service: "+15005550008"})
    use_own_twilio(alpha, from_number="", messaging_service_sid=service)

    with schema_context(alpha.schema_name):
        send_sms(ANA, "Hello")

    (sms,) = twilio_platform.sent_to(ANA, OWN_SID)
    assert (sms["messaging_service_sid"], sms["from"]) == (service, "+15005550008")


def test_without_the_products_settings_only_an_account_with_its_own_can_send(
    alpha, beta, own_twilio, settings
):
    settings.TWILIO_ACCOUNT_SID = ""

    with schema_context(alpha.schema_name):
        assert configured()
    with schema_context(beta.schema_name):
        assert not configured()
        with pytest.raises(SmsError, match="not configured"):
            send_sms(ANA, "Hello")


def test_an_unreadable_token_stops_its_sms_rather_than_sending_from_another(
    alpha, own_twilio, settings
):
    from cryptography.fernet import Fernet

    settings.CONNECTOR_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with schema_context(alpha.schema_name):
        assert not configured()
        with pytest.raises(SmsError, match="cannot be read"):
            send_sms(ANA, "Hello")
    assert own_twilio.state.messages == {}


# ---- the token callbacks are checked with -------------------------------------------------
def test_callbacks_are_checked_with_the_token_of_the_account_they_name(alpha, beta, own_twilio):
    use_own_twilio(alpha, mode="default")  # messages sent before still report their status

    with schema_context(alpha.schema_name):
        assert auth_token_for(OWN_SID) == OWN_TOKEN
        assert auth_token_for(ACCOUNT_SID) == AUTH_TOKEN
        assert auth_token_for("AC" + "0" * 32) is None
        assert auth_token_for("") is None
    with schema_context(beta.schema_name):
        assert auth_token_for(OWN_SID) is None  # alpha's account is not beta's
    assert connection.schema_name == "public" and auth_token_for(OWN_SID) is None


# ---- find_sent ----------------------------------------------------------------------------
def moved_back(twilio_platform, sid: str, seconds: int) -> None:
    stamp = formatdate(time.time() - seconds, usegmt=True)
    twilio_platform.state.messages[sid].update(date_created=stamp)


def test_find_sent_finds_the_text_sent_since_the_attempt_began(twilio_platform):
    since = timezone.now()
    sent = send_sms(ANA, "Your request", status_callback="http://127.0.0.1:9/")

    assert find_sent(ANA, "Your request", since=since).sid == sent.sid  # still queued
    twilio_platform.flush_callbacks()  # sent, then delivered
    found = find_sent(ANA, "Your request", since=since)
    assert (found.sid, found.status) == (sent.sid, "delivered")


def test_find_sent_needs_the_same_body_and_the_same_number(twilio_platform):
    since = timezone.now()
    send_sms(ANA, "Your request")

    assert find_sent(ANA, "Your request, again", since=since) is None
    assert find_sent("+33698765432", "Your request", since=since) is None


def test_find_sent_ignores_a_text_sent_before_the_attempt_began(twilio_platform):
    earlier = send_sms(ANA, "Your request")
    moved_back(twilio_platform, earlier.sid, 120)
    since = timezone.now() - timedelta(seconds=60)

    assert find_sent(ANA, "Your request", since=since) is None
    again = send_sms(ANA, "Your request")
    assert find_sent(ANA, "Your request", since=since).sid == again.sid


def test_find_sent_counts_from_twilios_whole_second(twilio_platform):
    sent = send_sms(ANA, "Your request")
    # Twilio's times are whole seconds: a send at 10:00:00.900 reads 10:00:00.
    since = timezone.now().replace(microsecond=999_999)
    twilio_platform.state.messages[sent.sid]["date_created"] = formatdate(
        since.timestamp() // 1, usegmt=True
    )

    assert find_sent(ANA, "Your request", since=since).sid == sent.sid


def test_find_sent_returns_the_newest_match(twilio_platform):
    since = timezone.now() - timedelta(seconds=30)
    first = send_sms(ANA, "Your request")
    moved_back(twilio_platform, first.sid, 10)
    second = send_sms(ANA, "Your request")

    assert find_sent(ANA, "Your request", since=since).sid == second.sid


def test_find_sent_looks_in_the_accounts_own_twilio(alpha, own_twilio):
    since = timezone.now()
    send_sms(ANA, "Your request", account=PRODUCT)

    with schema_context(alpha.schema_name):
        assert find_sent(ANA, "Your request", since=since) is None
        mine = send_sms(ANA, "Your request")
        assert find_sent(ANA, "Your request", since=since).sid == mine.sid


def test_find_sent_says_twilio_could_not_be_reached(twilio_platform, settings):
    settings.TWILIO_API_BASE = "http://127.0.0.1:9"

    with pytest.raises(SmsError, match="could not be reached") as unreachable:
        find_sent(ANA, "Your request", since=timezone.now())
    assert unreachable.value.retryable is True


def test_find_sent_with_a_refused_token_says_so(twilio_platform, settings):
    settings.TWILIO_AUTH_TOKEN = "not-the-token"

    with pytest.raises(SmsError, match="refused the account SID or auth token") as refused:
        find_sent(ANA, "Your request", since=timezone.now())
    assert refused.value.retryable is False
