"""The Twilio emulator as the real ``twilio`` SDK sees it: several accounts, each with its own
token, messages and signatures; the Messages list with Twilio's filters and paging; and the
test fixture's routing and held status callbacks."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from urllib.request import urlopen

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from emulators.twilio.server import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER
from notifications.sms import SmsAccount, SmsError, send_sms, twilio_client

OWN_SID, OWN_TOKEN = "AC" + "1" * 32, "own-auth-token-0123456789abcdef0"
OWN_SERVICE, OWN_NUMBER = "MG" + "1" * 32, "+15005550007"
ANA, BOB = "+33612345678", "+33698765432"
PRODUCT = SmsAccount(ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER)
OWN = SmsAccount(OWN_SID, OWN_TOKEN, messaging_service_sid=OWN_SERVICE)


@pytest.fixture
def own_account(twilio_platform):
    twilio_platform.add_account(OWN_SID, OWN_TOKEN, {OWN_SERVICE: OWN_NUMBER})
    return twilio_platform


def listed(account, **filters) -> list[str]:
    return [m.body for m in twilio_client(account).messages.list(**filters)]


def days_ago(twilio_platform, sid: str, days: int) -> None:
    """Move a message back in time (sent and created ``days`` ago)."""
    stamp = formatdate(time.time() - days * 86400, usegmt=True)
    twilio_platform.state.messages[sid].update(date_created=stamp, date_sent=stamp)


# ---- several accounts ---------------------------------------------------------------------
def test_each_account_sees_only_its_own_messages(own_account):
    send_sms(ANA, "from the product", account=PRODUCT)
    mine = send_sms(ANA, "from my own account", account=OWN)

    assert listed(OWN) == ["from my own account"]
    assert listed(PRODUCT) == ["from the product"]
    assert own_account.sent_to(ANA, OWN_SID)[0]["from"] == OWN_NUMBER
    with pytest.raises(TwilioRestException) as hidden:
        twilio_client(PRODUCT).messages(mine.sid).fetch()
    assert hidden.value.status == 404


@pytest.mark.parametrize(
    "account",
    [
        SmsAccount(OWN_SID, AUTH_TOKEN, messaging_service_sid=OWN_SERVICE),
        SmsAccount("AC" + "2" * 32, OWN_TOKEN, messaging_service_sid=OWN_SERVICE),
    ],
    ids=["the product's token", "an unknown SID"],
)
def test_an_account_signs_in_with_its_own_token_only(own_account, account):
    with pytest.raises(SmsError, match="refused the account SID or auth token"):
        send_sms(ANA, "Hello", account=account)
    assert send_sms(ANA, "Hello", account=OWN).status == "accepted"


def test_another_accounts_messaging_service_is_refused(own_account):
    with pytest.raises(SmsError, match="21705"):
        send_sms(ANA, "Hello", account=SmsAccount(ACCOUNT_SID, AUTH_TOKEN, "", OWN_SERVICE))


def test_callbacks_are_signed_with_the_token_of_the_account_concerned(own_account, db):
    url = "http://127.0.0.1:9/status/"  # nothing listens: only what was signed matters here
    send_sms(ANA, "Hello", account=OWN, status_callback=url)
    own_account.flush_callbacks()
    own_account.inbound(ANA, "hi", our_number=OWN_NUMBER)

    for where, params, signature, _status in own_account.courier.delivered[-3:]:
        assert params["AccountSid"] == OWN_SID
        assert RequestValidator(OWN_TOKEN).validate(where, params, signature)
        assert not RequestValidator(AUTH_TOKEN).validate(where, params, signature)


def test_added_accounts_are_forgotten_between_tests(twilio_platform):
    assert twilio_platform.state.token_for(OWN_SID) is None


# ---- the Messages list ------------------------------------------------------------------
def test_the_list_filters_by_recipient_and_sender_newest_first(twilio_platform):
    for body, to in (("one", ANA), ("two", BOB), ("three", ANA)):
        send_sms(to, body, account=PRODUCT)

    assert listed(PRODUCT, to=ANA) == ["three", "one"]
    assert listed(PRODUCT, from_=FROM_NUMBER, to=BOB) == ["two"]
    assert listed(PRODUCT, from_="+15005550099") == []


def test_the_date_filters_count_whole_gmt_days_of_the_sending(twilio_platform):
    old, _queued = send_sms(ANA, "old", account=PRODUCT), send_sms(ANA, "queued", account=PRODUCT)
    new = send_sms(ANA, "new", account=PRODUCT)
    days_ago(twilio_platform, old.sid, 3)
    twilio_platform.state.update_status(new.sid, "sent")  # sets date_sent; "queued" has none
    now = datetime.now(UTC)

    # The SDK sends a datetime as 2024-05-01T10:00:00Z; only its day counts, as at Twilio.
    assert listed(PRODUCT, date_sent_after=now.replace(hour=23, minute=59)) == ["new"]
    assert listed(PRODUCT, date_sent_after=now - timedelta(days=1)) == ["new"]
    assert listed(PRODUCT, date_sent_before=now - timedelta(days=1)) == ["old"]
    assert listed(PRODUCT, date_sent=now - timedelta(days=3)) == ["old"]
    assert listed(PRODUCT, date_sent=(now - timedelta(days=3)).strftime("%Y-%m-%d")) == ["old"]


def test_a_date_filter_in_rfc_2822_is_understood_too(twilio_platform):
    sent = send_sms(ANA, "Hello", account=PRODUCT)
    twilio_platform.state.update_status(sent.sid, "sent")

    assert listed(PRODUCT, date_sent_after=formatdate(usegmt=True)) == ["Hello"]


def test_the_list_pages_as_twilio_does_and_the_sdk_reads_every_page(twilio_platform):
    for number in range(5):
        send_sms(ANA, f"text {number}", account=PRODUCT)
    messages = twilio_client(PRODUCT).messages

    page = messages.page(to=ANA, page_size=2)
    assert [m.body for m in page] == ["text 4", "text 3"]
    assert page.next_page_url and "Page=1" in page.next_page_url
    assert page.previous_page_url is None
    assert [m.body for m in messages.list(to=ANA, page_size=2)] == [
        f"text {n}" for n in (4, 3, 2, 1, 0)
    ]
    assert len(messages.list(to=ANA, limit=3)) == 3


def test_the_page_has_twilios_paging_fields(twilio_platform):
    send_sms(ANA, "Hello", account=PRODUCT)
    response = twilio_client(PRODUCT).request(
        "GET",
        f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
        params={"PageSize": "1", "Page": "0"},
    )
    payload = response.text

    for key in ("first_page_uri", "next_page_uri", "previous_page_uri", "uri", "start", "end"):
        assert f'"{key}"' in payload
    assert '"page_size": 1' in payload and '"messages": [' in payload


def test_the_emulators_page_still_lists_the_conversations(own_account):
    send_sms(ANA, "from the product", account=PRODUCT)
    send_sms(BOB, "from my own account", account=OWN)

    page = urlopen(own_account.url + "/").read().decode()  # noqa: S310 - the local emulator

    assert "from the product" in page and "from my own account" in page
    assert f"account {OWN_SID}" in page


# ---- the fixture --------------------------------------------------------------------------
def test_callbacks_wait_for_a_flush_then_reach_the_apps_hosts_through_the_test_client(
    alpha, twilio_platform, settings
):
    on_account = f"http://{alpha.host}/dev/outbox/?sms=1"  # not a callback: it answers 302
    on_root = f"http://{settings.BASE_DOMAIN}/webhooks/twilio/inbound/?sms=2"
    send_sms(ANA, "Hello", account=PRODUCT, status_callback=on_account)
    send_sms(BOB, "Hello", account=PRODUCT, status_callback=on_root)
    assert twilio_platform.courier.delivered == []

    assert twilio_platform.flush_callbacks() == 4

    statuses = [(url, status) for url, _p, _s, status in twilio_platform.courier.delivered]
    assert statuses == [(on_account, 302)] * 2 + [(on_root, 200)] * 2  # signed for that URL
    assert twilio_platform.flush_callbacks() == 0
