"""SMS through the real ``twilio`` SDK, against the offline Twilio emulator."""

from __future__ import annotations

import threading
from urllib.parse import parse_qsl
from wsgiref.util import request_uri

import pytest
from django_tenants.utils import schema_context
from twilio.request_validator import RequestValidator

from clients.models import Client
from emulators.server import EmulatorServer
from emulators.twilio.server import AUTH_TOKEN, MESSAGING_SERVICE_SID
from notifications.models import Message
from notifications.notify import Recipient, notify
from notifications.sms import SmsError, send_sms
from notifications.tests.test_notify import REQUEST_CONTEXT

FRENCH_MOBILE = "+33612345678"


def test_a_long_plain_text_is_sent_in_two_segments(twilio_platform):
    sent = send_sms(FRENCH_MOBILE, "a" * 170)
    assert sent.sid.startswith("SM") and len(sent.sid) == 34
    assert (sent.status, sent.segments) == ("queued", 2)
    assert twilio_platform.state.messages[sent.sid]["body"] == "a" * 170


def test_a_short_plain_text_with_accented_gsm_letters_is_one_segment(twilio_platform):
    assert send_sms(FRENCH_MOBILE, "Facture réglée à 100 € " + "x" * 130).segments == 1


def test_an_emoji_sends_the_text_in_ucs2_segments_of_67(twilio_platform):
    # 69 letters and one emoji (2 UTF-16 units): 71 units, over the 70 of one UCS-2 segment.
    assert send_sms(FRENCH_MOBILE, "a" * 69 + "🙂").segments == 2
    assert send_sms(FRENCH_MOBILE, "ê" * 70).segments == 1


def test_a_messaging_service_sends_too(twilio_platform, settings):
    settings.TWILIO_FROM_NUMBER, settings.TWILIO_MESSAGING_SERVICE_SID = "", MESSAGING_SERVICE_SID
    sent = send_sms(FRENCH_MOBILE, "Hello")
    assert (
        twilio_platform.state.messages[sent.sid]["messaging_service_sid"] == MESSAGING_SERVICE_SID
    )


def test_a_wrong_auth_token_is_refused_in_plain_words(twilio_platform, settings):
    settings.TWILIO_AUTH_TOKEN = "not-the-token"
    with pytest.raises(SmsError, match="refused the account SID or auth token") as refused:
        send_sms(FRENCH_MOBILE, "Hello")
    assert refused.value.retryable is False


def test_an_invalid_number_is_refused_in_plain_words(twilio_platform):
    with pytest.raises(SmsError, match="not a valid phone number") as refused:
        send_sms("123", "Hello")
    assert (refused.value.code, refused.value.retryable) == (21211, False)


def test_a_recipient_who_texted_stop_is_refused_until_start(twilio_platform, db):
    twilio_platform.inbound(FRENCH_MOBILE, "stop")
    with pytest.raises(SmsError, match="opted out of SMS") as refused:
        send_sms(FRENCH_MOBILE, "Hello")
    assert (refused.value.code, refused.value.retryable) == (21610, False)
    twilio_platform.inbound(FRENCH_MOBILE, "START")
    assert send_sms(FRENCH_MOBILE, "Hello").status == "queued"


def test_twilio_unreachable_is_retryable(twilio_platform, settings):
    settings.TWILIO_API_BASE = "http://127.0.0.1:9"  # the discard port: nothing listens
    with pytest.raises(SmsError, match="could not be reached") as unreachable:
        send_sms(FRENCH_MOBILE, "Hello")
    assert unreachable.value.retryable is True


@pytest.fixture
def callback_listener():
    """A small HTTP server recording what is posted to it, as the app's callback URL would."""
    received: list[tuple[str, dict, str]] = []
    lock = threading.Lock()

    def app(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        params = dict(parse_qsl(environ["wsgi.input"].read(length).decode()))
        with lock:
            received.append((request_uri(environ), params, environ["HTTP_X_TWILIO_SIGNATURE"]))
        start_response("204 No Content", [])
        return [b""]

    server = EmulatorServer(app).start()
    yield f"{server.url}/sms/status/", received
    server.stop()


def test_status_callbacks_say_sent_then_delivered_signed_with_the_auth_token(
    twilio_platform, callback_listener
):
    url, received = callback_listener
    sent = send_sms(FRENCH_MOBILE, "Hello", status_callback=url)
    assert twilio_platform.flush_callbacks() == 2
    assert [params["MessageStatus"] for _, params, _ in received] == ["sent", "delivered"]
    validator = RequestValidator(AUTH_TOKEN)
    for where, params, signature in received:
        assert params["MessageSid"] == sent.sid
        assert validator.validate(where, params, signature)
        assert not validator.validate(where, {**params, "MessageStatus": "read"}, signature)


def test_an_unreachable_handset_ends_undelivered_with_twilio_error_code(
    twilio_platform, callback_listener
):
    url, received = callback_listener
    send_sms("+15005550020", "Hello", status_callback=url)
    twilio_platform.flush_callbacks()
    assert received[-1][1]["MessageStatus"] == "undelivered"
    assert received[-1][1]["ErrorCode"] == "30003"


def test_a_landline_ends_failed_without_being_sent(twilio_platform, callback_listener):
    url, received = callback_listener
    send_sms("+15005550021", "Hello", status_callback=url)
    assert twilio_platform.flush_callbacks() == 1
    assert (received[0][1]["MessageStatus"], received[0][1]["ErrorCode"]) == ("failed", "30006")


def client_with(alpha, **fields):
    with schema_context(alpha.schema_name):
        return Client.objects.create(name="Ana", email="ana@client.test", **fields)


def send_request_to(alpha, client):
    with schema_context(alpha.schema_name):
        return notify(Recipient.for_client(client), "request.sent", REQUEST_CONTEXT)


def test_a_request_goes_to_a_client_with_a_mobile_by_email_and_by_sms(
    alpha, twilio_platform, mailoutbox
):
    client = client_with(alpha, mobile="+33612345678")
    assert send_request_to(alpha, client) == 2
    assert len(mailoutbox) == 1
    (sms,) = twilio_platform.sent_to("+33612345678")
    assert sms["body"].startswith("Alpha Studio: payment request of €150.00, due 06/30/2024.")
    assert REQUEST_CONTEXT["link_url"] in sms["body"] and sms["num_segments"] == "1"


def test_a_client_without_a_mobile_gets_only_the_email(alpha, twilio_platform, mailoutbox):
    assert send_request_to(alpha, client_with(alpha)) == 1
    assert len(mailoutbox) == 1 and not twilio_platform.state.messages


def test_a_client_who_opted_out_gets_only_the_email(alpha, twilio_platform, mailoutbox):
    client = client_with(alpha, mobile="+33612345679", sms_opted_out=True)
    assert send_request_to(alpha, client) == 1
    assert len(mailoutbox) == 1 and not twilio_platform.sent_to("+33612345679")


def test_a_number_twilio_refuses_does_not_stop_the_email(alpha, twilio_platform, mailoutbox):
    client = client_with(alpha, mobile="+33612345678")
    twilio_platform.state.opted_out.add(("+15005550006", "+33612345678"))
    assert send_request_to(alpha, client) == 2  # handed to both channels; Twilio said no
    assert len(mailoutbox) == 1 and not twilio_platform.sent_to("+33612345678")


def test_twilio_down_is_retried_later_and_the_email_still_goes(
    alpha, twilio_platform, settings, mailoutbox
):
    settings.TWILIO_API_BASE = "http://127.0.0.1:9"
    client = client_with(alpha, mobile="+33612345678")

    assert send_request_to(alpha, client) == 2

    assert len(mailoutbox) == 1
    with schema_context(alpha.schema_name):
        sms = Message.objects.get(channel="sms")
    assert sms.status == Message.Status.QUEUED and "could not be reached" in sms.error
    assert sms.next_attempt_at is not None and sms.has_problem


def test_a_number_twilio_refuses_is_recorded_failed_with_the_reason(
    alpha, twilio_platform, mailoutbox
):
    client = client_with(alpha, mobile="+33612345678")
    twilio_platform.state.opted_out.add(("+15005550006", "+33612345678"))

    send_request_to(alpha, client)

    with schema_context(alpha.schema_name):
        sms = Message.objects.get(channel="sms")
    assert sms.status == Message.Status.FAILED and "opted out of SMS" in sms.error
    assert sms.next_attempt_at is None  # retrying cannot help
