"""In development the dev outbox shows every SMS Twilio took, beside the emails, labelled."""

from __future__ import annotations

import pytest
from django.core.mail import send_mail
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from emulators.twilio.server import FROM_NUMBER
from notifications.models import OutboxMessage
from notifications.sms import SmsError, send_sms

ANA = "+33612345678"
TEXT = "Alpha Studio: payment request of €150.00. Pay: https://pay.example/abc"


@pytest.fixture
def dev_outbox(settings):
    settings.EMAIL_BACKEND = "notifications.backends.OutboxEmailBackend"


def test_an_sms_twilio_took_is_kept_in_the_accounts_outbox(
    alpha, beta, twilio_platform, dev_outbox
):
    with schema_context(alpha.schema_name):
        send_sms(ANA, TEXT)
        (kept,) = OutboxMessage.objects.all()
    with schema_context(beta.schema_name):
        assert not OutboxMessage.objects.exists()

    assert (kept.channel, kept.to, kept.from_address) == ("sms", [ANA], FROM_NUMBER)
    assert (kept.body_text, kept.subject, kept.body_html) == (TEXT, "", "")


def test_the_outbox_lists_sms_beside_emails_with_their_channel(alpha, twilio_platform, dev_outbox):
    with schema_context(alpha.schema_name):
        send_mail("Invoice #12345", "Pay here", "billing@alpha.example", ["ana@client.test"])
        send_sms(ANA, TEXT)

    page = client_on(alpha, owner_of(alpha)).get("/dev/outbox/").content.decode()

    assert "Invoice #12345" in page and "ana@client.test" in page
    assert ANA in page and "Alpha Studio: payment request of €150.00." in page
    assert page.count('class="badge badge--warning">SMS<') == 1
    assert page.count('class="badge badge--muted">Email<') == 1


def test_an_sms_page_shows_its_text_and_no_html_part(alpha, twilio_platform, dev_outbox):
    with schema_context(alpha.schema_name):
        send_sms(ANA, TEXT)
        kept = OutboxMessage.objects.get()

    page = client_on(alpha, owner_of(alpha)).get(f"/dev/outbox/{kept.pk}/").content.decode()

    assert f"SMS to {ANA}" in page and FROM_NUMBER in page
    assert 'Pay: <a href="https://pay.example/abc"' in page
    assert "HTML part" not in page and "/html/" not in page


def test_an_sms_twilio_refused_is_not_in_the_outbox(alpha, twilio_platform, dev_outbox):
    with schema_context(alpha.schema_name), pytest.raises(SmsError):
        send_sms("+15005550001", TEXT)
    with schema_context(alpha.schema_name):
        assert not OutboxMessage.objects.exists()


def test_without_the_dev_outbox_no_sms_is_kept(alpha, twilio_platform):
    with schema_context(alpha.schema_name):
        send_sms(ANA, TEXT)
        assert not OutboxMessage.objects.exists()
