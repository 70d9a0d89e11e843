"""SMS through the real ``twilio`` SDK, against the offline Twilio emulator."""

from __future__ import annotations

import threading
from urllib.parse import parse_qsl
from wsgiref.util import request_uri

import pytest
from twilio.request_validator import RequestValidator

from billing_saas.testing.polling import wait_until
from emulators.server import EmulatorServer
from emulators.twilio.server import AUTH_TOKEN, MESSAGING_SERVICE_SID
from notifications.sms import SmsError, send_sms

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
    wait_until(lambda: len(received) == 2, timeout=5)
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
    wait_until(lambda: len(received) == 2, timeout=5)
    assert received[-1][1]["MessageStatus"] == "undelivered"
    assert received[-1][1]["ErrorCode"] == "30003"
