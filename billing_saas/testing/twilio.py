"""Fixtures for SMS: one in-process Twilio emulator per test run, the settings pointed at it."""

from __future__ import annotations

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
    """The app sends SMS to the emulator; the emulator's inbound messages reach the app's
    webhook through Django's test client (the URL they are signed for is the root domain's)."""
    for name, value in app_settings(twilio_emulator.url).items():
        setattr(settings, name, value)
    courier = twilio_emulator.courier
    courier.inbound_url = f"http://{django_settings.BASE_DOMAIN}{INBOUND_PATH}"
    courier.post = _through_test_client
    twilio_emulator.state.opted_out.clear()  # each test starts with an empty account
    twilio_emulator.state.messages.clear()
    yield twilio_emulator
    courier.inbound_url, courier.post = "", http_post


def _through_test_client(url, params, headers):
    from django.test import Client

    if not url.endswith(INBOUND_PATH):  # status callbacks: to wherever the test listens
        return http_post(url, params, headers)
    client = Client(HTTP_HOST=django_settings.BASE_DOMAIN)
    return client.post(
        INBOUND_PATH, params, HTTP_X_TWILIO_SIGNATURE=headers["X-Twilio-Signature"]
    ).status_code
