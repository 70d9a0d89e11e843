"""Sending a request tells the client by email, by SMS or both, as its writer chose; by
default as the client's record says. SMS that cannot reach the client never stops the email,
and the sender is told why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from clients.models import Client
from payment_requests.models import PaymentRequest

MOBILE = "+33612345678"


@pytest.fixture
def sms_ready(alpha_billing, twilio_platform):
    return twilio_platform


def client_of(alpha, **fields) -> Client:
    with schema_context(alpha.schema_name):
        return Client.objects.create(name="Ana Client", email="ana@client.test", **fields)


def send_new(owner_client, client, notify_by, captured):
    data = {
        "kind": "invoice",
        "description": "Audit",
        "client": client.pk,
        "amount": "80",
        "currency": "EUR",
        "billing_type": "invoice",
        "notify_by": notify_by,
        "action": "send",
        "due_date": (timezone.localdate() + timedelta(days=9)).isoformat(),
    }
    with captured(execute=True):
        return owner_client.post("/billing/requests/new/", data, follow=True)


def test_by_default_a_client_with_a_mobile_gets_the_email_and_an_sms(
    alpha, sms_ready, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_of(alpha, mobile=MOBILE)
    send_new(owner_client, client, "", django_capture_on_commit_callbacks)
    assert [mail.to for mail in mailoutbox] == [["ana@client.test"]]
    (sms,) = sms_ready.sent_to(MOBILE)
    assert "/portal/open/" in sms["body"] and "/pay/" not in sms["body"]  # one link: the portal


def test_email_only_sends_no_sms_even_to_a_mobile(
    alpha, sms_ready, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_of(alpha, mobile=MOBILE)
    send_new(owner_client, client, "email", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1 and not sms_ready.sent_to(MOBILE)


def test_sms_only_sends_no_email(
    alpha, sms_ready, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_of(alpha, mobile=MOBILE)
    send_new(owner_client, client, "sms", django_capture_on_commit_callbacks)
    assert mailoutbox == [] and len(sms_ready.sent_to(MOBILE)) == 1
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().status == "sent"


def test_sms_to_a_client_without_a_mobile_says_why_and_the_email_still_goes(
    alpha, sms_ready, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_of(alpha)
    page = send_new(owner_client, client, "sms", django_capture_on_commit_callbacks)
    assert "No SMS: Ana Client has no valid mobile number. The email was sent." in (
        page.content.decode()
    )
    assert len(mailoutbox) == 1 and not sms_ready.state.messages


def test_sms_to_a_client_who_opted_out_says_so(
    alpha, sms_ready, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_of(alpha, mobile=MOBILE, sms_opted_out=True)
    page = send_new(owner_client, client, "both", django_capture_on_commit_callbacks)
    assert "Ana Client opted out of SMS (they texted STOP)" in page.content.decode()
    assert len(mailoutbox) == 1 and not sms_ready.sent_to(MOBILE)


def test_reminders_go_the_way_the_request_was_sent(
    alpha, sms_ready, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_of(alpha, mobile=MOBILE)
    send_new(owner_client, client, "email", django_capture_on_commit_callbacks)
    with schema_context(alpha.schema_name):
        pk = PaymentRequest.objects.get().pk
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/billing/requests/{pk}/remind/")
    assert len(mailoutbox) == 2 and not sms_ready.sent_to(MOBILE)


def test_the_form_offers_the_choice(alpha, owner_client):
    page = owner_client.get("/billing/requests/new/").content.decode()
    for label in ("Email only", "SMS only", "Email and SMS", "As the client&#x27;s record says"):
        assert label in page, label
