"""A request's messages on its pages: the side panel lists each with its status, a failed one
shows on the dashboard row with the reason, *Resend* sends it again; the client's page lists
what the client was sent."""

from __future__ import annotations

import re

from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member
from clients.models import Client
from notifications.models import Message
from notifications.tests.smtp_server import smtp_server
from notifications.tests.test_custom_smtp import use_custom_smtp
from payment_requests.models import PaymentRequest
from payment_requests.tests.conftest import make_request, send
from payment_requests.tests.test_email_retries import BACKENDS

MOBILE = "+33612345678"
__all__ = ["smtp_server"]  # the fixture, used by name


def client_with_mobile(tenant, mobile=MOBILE) -> Client:
    with schema_context(tenant.schema_name):
        return Client.objects.create(name="Ana", email="ana@client.test", mobile=mobile)


def sent_by_email_and_sms(tenant, captured, mobile=MOBILE) -> PaymentRequest:
    draft = make_request(tenant, client_with_mobile(tenant, mobile), notify_by="both")
    return send(tenant, draft.pk, captured)


def messages_section(html: str) -> str:
    return html.split('id="messages"', 1)[1].split("</ul>", 1)[0]


def row_of(html: str, pk: int) -> str:
    return re.search(rf'<tr data-request="{pk}".*?</tr>', html, re.S).group(0)


def test_the_panel_lists_each_message_with_its_status(
    alpha_billing, alpha, owner_client, twilio_platform, django_capture_on_commit_callbacks
):
    item = sent_by_email_and_sms(alpha, django_capture_on_commit_callbacks)
    twilio_platform.flush_callbacks()

    section = messages_section(owner_client.get(f"/billing/?open={item.pk}").content.decode())

    assert section.count('data-message="') == 2
    assert re.search(r'data-status="sent".*?Email.*?Payment request.*?Sent', section, re.S)
    assert re.search(r'data-status="delivered".*?SMS.*?Payment request.*?Delivered', section, re.S)
    assert "ana@client.test" in section and MOBILE in section


def test_a_lost_sms_shows_on_the_dashboard_row_with_the_reason_and_resend_sends_it_again(
    alpha_billing, alpha, owner_client, twilio_platform, django_capture_on_commit_callbacks
):
    item = sent_by_email_and_sms(alpha, django_capture_on_commit_callbacks, "+15005550020")
    twilio_platform.flush_callbacks()

    row = row_of(owner_client.get("/billing/").content.decode(), item.pk)
    assert "Not delivered" in row and "the phone is off or out of reach" in row
    assert f"open={item.pk}#messages" in row  # where Resend is
    with schema_context(alpha.schema_name):
        sms = Message.objects.get(channel="sms")
    panel = owner_client.get(f"/billing/?open={item.pk}").content.decode()
    assert f"/billing/requests/{item.pk}/messages/{sms.pk}/resend/" in panel

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"/billing/requests/{item.pk}/messages/{sms.pk}/resend/")

    assert response.status_code == 302
    assert len(twilio_platform.sent_to("+15005550020")) == 2
    sms.refresh_from_db()
    assert sms.status == Message.Status.SENT and sms.error == ""
    assert "Not delivered" not in row_of(owner_client.get("/billing/").content.decode(), item.pk)


def test_a_failing_mail_server_shows_on_the_row_until_the_last_try_then_offers_resend(
    alpha_billing, alpha, owner_client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{BACKENDS}.DownBackend"
    draft = make_request(alpha)
    item = send(alpha, draft.pk, django_capture_on_commit_callbacks)

    row = row_of(owner_client.get("/billing/").content.decode(), item.pk)
    assert "Not delivered yet" in row and "Connection unexpectedly closed" in row
    assert "#messages" not in row  # the worker is still trying: nothing to resend yet

    with schema_context(alpha.schema_name):  # the last try failed too
        message = Message.objects.get()
        message.status = Message.Status.FAILED
        message.save()  # a save the dashboard sees (its rows are kept per version)
    row = row_of(owner_client.get("/billing/").content.decode(), item.pk)
    assert "Not delivered" in row and f"open={item.pk}#messages" in row


def test_resend_refuses_a_message_of_another_request_or_one_that_arrived(
    alpha_billing, alpha, owner_client, twilio_platform, django_capture_on_commit_callbacks
):
    first = sent_by_email_and_sms(alpha, django_capture_on_commit_callbacks, "+15005550020")
    twilio_platform.flush_callbacks()
    other = send(alpha, make_request(alpha).pk, django_capture_on_commit_callbacks)
    with schema_context(alpha.schema_name):
        lost = Message.objects.get(document_id=first.pk, channel="sms")
        arrived = Message.objects.get(document_id=first.pk, channel="email")
    sent_before = len(twilio_platform.sent_to("+15005550020"))

    wrong_request = owner_client.post(f"/billing/requests/{other.pk}/messages/{lost.pk}/resend/")
    not_failed = owner_client.post(f"/billing/requests/{first.pk}/messages/{arrived.pk}/resend/")

    assert wrong_request.status_code == not_failed.status_code == 302
    page = owner_client.get(f"/billing/?open={first.pk}").content.decode()
    assert "cannot be resent" in page
    assert len(twilio_platform.sent_to("+15005550020")) == sent_before
    lost.refresh_from_db()
    assert lost.status == Message.Status.BOUNCED


def test_a_paid_requests_lost_pay_link_is_not_resent(
    alpha_billing, alpha, owner_client, twilio_platform, django_capture_on_commit_callbacks
):
    item = sent_by_email_and_sms(alpha, django_capture_on_commit_callbacks, "+15005550020")
    twilio_platform.flush_callbacks()
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=item.pk).update(status="paid")
        lost = Message.objects.get(channel="sms")

    owner_client.post(f"/billing/requests/{item.pk}/messages/{lost.pk}/resend/")

    assert len(twilio_platform.sent_to("+15005550020")) == 1


def test_the_clients_page_lists_what_the_client_was_sent(
    alpha_billing, alpha, owner_client, twilio_platform, django_capture_on_commit_callbacks
):
    item = sent_by_email_and_sms(alpha, django_capture_on_commit_callbacks)
    twilio_platform.flush_callbacks()
    with schema_context(alpha.schema_name):
        client = Client.objects.get(email="ana@client.test")
        Client.objects.create(name="Bob", email="bob@client.test")
        bob = Client.objects.get(name="Bob")

    page = owner_client.get(f"/billing/clients/{client.pk}/").content.decode()
    bobs = owner_client.get(f"/billing/clients/{bob.pk}/").content.decode()

    assert page.count('data-message="') == 2 and "Delivered" in page
    assert f"?open={item.pk}" in page
    assert 'data-message="' not in bobs and "No message sent yet." in bobs


def test_an_employee_without_billing_access_cannot_resend(
    alpha_billing, alpha, twilio_platform, django_capture_on_commit_callbacks
):
    item = sent_by_email_and_sms(alpha, django_capture_on_commit_callbacks, "+15005550020")
    twilio_platform.flush_callbacks()
    with schema_context(alpha.schema_name):
        lost = Message.objects.get(channel="sms")
    outsider = client_on(alpha, make_member(alpha, "nobody@alpha.test"))

    response = outsider.post(f"/billing/requests/{item.pk}/messages/{lost.pk}/resend/")

    assert response.status_code in (302, 403)
    assert len(twilio_platform.sent_to("+15005550020")) == 1


def test_a_request_through_the_accounts_own_smtp_and_twilio_shows_both_and_a_refusal_reason(
    alpha_billing,
    alpha,
    owner_client,
    twilio_platform,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    """The issue's "done when": the account's own SMTP server and the emulated Twilio, both
    shown with their status on the request; a failing server's reason on the dashboard."""
    use_custom_smtp(alpha, smtp_server)
    item = sent_by_email_and_sms(alpha, django_capture_on_commit_callbacks)
    twilio_platform.flush_callbacks()

    (received,) = smtp_server.received
    assert received.message["From"] == "Alpha Studio <invoices@alpha.example>"
    section = messages_section(owner_client.get(f"/billing/?open={item.pk}").content.decode())
    assert 'data-status="sent"' in section and 'data-status="delivered"' in section

    use_custom_smtp(alpha, smtp_server, password="wrong-password")
    second = send(
        alpha, make_request(alpha, notify_by="email").pk, django_capture_on_commit_callbacks
    )

    row = row_of(owner_client.get("/billing/").content.decode(), second.pk)
    assert "Not delivered yet" in row and "refused the user name or password" in row
    assert len(smtp_server.received) == 1
