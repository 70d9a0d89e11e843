"""The dev outbox shows every email an address sent, with its parts and attachments."""

import pytest
from django.core.mail import EmailMultiAlternatives
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from notifications.models import OutboxMessage


@pytest.fixture(autouse=True)
def outbox_backend(settings):
    settings.EMAIL_BACKEND = "notifications.backends.OutboxEmailBackend"


def admin_on(tenant):
    return client_on(tenant, owner_of(tenant))


def send_sample(subject="Invoice #12345", attachment=True):
    message = EmailMultiAlternatives(
        subject,
        "Pay here: https://pay.example/abc",
        "billing@alpha.example",
        ["client@example.com"],
    )
    message.attach_alternative("<p>Pay <a href='https://pay.example/abc'>here</a></p>", "text/html")
    if attachment:
        message.attach("invoice.pdf", b"%PDF-1.4 sample", "application/pdf")
    message.send()


def test_an_email_sent_in_an_account_appears_in_its_outbox_only(alpha, beta):
    with schema_context(alpha.schema_name):
        send_sample()

    alpha_page = admin_on(alpha).get("/dev/outbox/")
    assert alpha_page.status_code == 200
    assert b"Invoice #12345" in alpha_page.content
    assert b"client@example.com" in alpha_page.content
    assert b"Invoice #12345" not in admin_on(beta).get("/dev/outbox/").content
    assert b"Invoice #12345" not in client_on("localhost").get("/dev/outbox/").content


def test_a_message_shows_its_text_part_html_part_and_attachments(alpha):
    with schema_context(alpha.schema_name):
        send_sample()
        message = OutboxMessage.objects.get()

    page = admin_on(alpha).get(f"/dev/outbox/{message.pk}/")
    assert b"Pay here: <a" in page.content  # text part, links made clickable
    assert f"/dev/outbox/{message.pk}/html/".encode() in page.content
    assert b"invoice.pdf" in page.content

    html = admin_on(alpha).get(f"/dev/outbox/{message.pk}/html/")
    assert b"<a href='https://pay.example/abc'>here</a>" in html.content
    assert "sandbox" in html["Content-Security-Policy"]

    download = admin_on(alpha).get(f"/dev/outbox/{message.pk}/attachments/0/")
    assert download.content == b"%PDF-1.4 sample"
    assert 'filename="invoice.pdf"' in download["Content-Disposition"]
    assert admin_on(alpha).get(f"/dev/outbox/{message.pk}/attachments/1/").status_code == 404


def test_another_accounts_message_id_is_404(alpha, beta):
    with schema_context(alpha.schema_name):
        send_sample()
        message = OutboxMessage.objects.get()
    with schema_context(beta.schema_name):
        assert not OutboxMessage.objects.filter(pk=message.pk).exists()
    assert admin_on(beta).get(f"/dev/outbox/{message.pk}/").status_code == 404


def test_the_outbox_says_so_when_nothing_was_sent(alpha):
    page = admin_on(alpha).get("/dev/outbox/")
    assert b"Nothing sent yet" in page.content
