"""Fixtures for SMS: one in-process Twilio emulator per test run, the settings pointed at it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings

from emulators.twilio.courier import http_post
from emulators.twilio.server import TwilioEmulator, app_settings

INBOUND_PATH = "/webhooks/twilio/inbound/"


@pytest.fixture(scope="session")
def twilio_emulator():
    emulator = TwilioEmulator().start()
    yield emulator
    emulator.stop()


@pytest.fixture
def twilio_platform(settings, twilio_emulator):
    """The app sends SMS to the emulator (the product's account, from ``TWILIO_*``), which
    starts each test empty: no messages, no opt-outs, no other account, nothing in
    ``courier.delivered`` (every request it posted: url, params, signature, HTTP status).

    - ``twilio_platform.add_account(sid, token, services=None)``: another Twilio account (an
      account's own credentials); it authenticates with its own SID and token, sees only its
      own messages, and its callbacks are signed with its token. Forgotten after the test.
    - ``sent_to(phone, account_sid="")``: the messages sent to ``phone`` (one account's only,
      if given); ``inbound(phone, body)``: ``phone`` texts our number (STOP, START…).
    - Requests the emulator posts to the app's own hosts (``BASE_DOMAIN`` or any subdomain:
      the inbound webhook, status callbacks on an account's domain) go through Django's test
      client, with that host and the URL's path and query; any other URL (a test's own
      listener) is posted over HTTP.
    - Status callbacks are held, not posted by the emulator's thread:
      ``twilio_platform.flush_callbacks()`` delivers every one still held, in the calling
      thread (so a test inside a database transaction sees them), and returns how many it
      posted (each message's ``sent`` then its final status).
    """
    for name, value in app_settings(twilio_emulator.url).items():
        setattr(settings, name, value)
    courier = twilio_emulator.courier
    courier.inbound_url = f"http://{django_settings.BASE_DOMAIN}{INBOUND_PATH}"
    courier.post = _through_test_client
    courier.synchronous = True
    courier.discard_held()
    courier.delivered.clear()
    twilio_emulator.state.reset()
    yield twilio_emulator
    courier.synchronous = False
    courier.discard_held()
    courier.inbound_url, courier.post = "", http_post


def _through_test_client(url, params, headers):
    from django.test import Client

    parts = urlsplit(url)
    host, base = parts.hostname or "", django_settings.BASE_DOMAIN
    if host != base and not host.endswith(f".{base}"):
        return http_post(url, params, headers)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    client = Client(HTTP_HOST=parts.netloc)
    return client.post(
        path,
        params,
        secure=parts.scheme == "https",
        HTTP_X_TWILIO_SIGNATURE=headers["X-Twilio-Signature"],
    ).status_code
