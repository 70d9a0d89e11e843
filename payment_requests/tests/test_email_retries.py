"""A request's email the mail server fails to take is recorded with the reason and sent
later by the worker, once, with the same link; after the last try it is failed."""

from __future__ import annotations

import smtplib
from urllib.parse import urlsplit

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on
from notifications.models import Message
from notifications.tasks import deliver_message
from payment_requests import services
from payment_requests.models import PaymentRequest, RequestLink
from payment_requests.services import emails as email_services
from payment_requests.tests.conftest import link_from, make_client, make_request

BACKENDS = "payment_requests.tests.test_email_retries"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


class DownBackend(EmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class StaffDownBackend(EmailBackend):
    """Takes mail for the client's domain, fails for everyone else's."""

    def send_messages(self, messages):
        if any(not to.endswith("@client.test") for message in messages for to in message.to):
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(messages)


class AcceptsThenDropsBackend(EmailBackend):
    """Like Django's SMTP backend (it closes a connection it opened itself), on a server that
    accepts the message, then drops the connection when told goodbye."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_open = False

    def open(self):
        if self.is_open:
            return False
        self.is_open = True
        return True

    def close(self):
        self.is_open = False
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def send_messages(self, messages):
        opened_here = self.open()
        try:
            return super().send_messages(messages)
        finally:
            if opened_here:
                self.close()


@pytest.fixture
def queued(monkeypatch):
    """Later attempts queued for the worker: (arguments, countdown)."""
    retries = []
    monkeypatch.setattr(
        deliver_message,
        "apply_async",
        lambda args, countdown: retries.append((tuple(args), countdown)),
    )
    return retries


def send_from_the_dashboard(tenant, owner_client, captured):
    make_client(tenant)
    draft = make_request(tenant)
    with captured(execute=True):
        response = owner_client.post(f"/billing/requests/{draft.pk}/send/")
    assert response.status_code == 302
    return draft


def the_message(tenant, purpose="request.sent", to="ana@client.test") -> Message:
    with schema_context(tenant.schema_name):
        return Message.objects.get(purpose=purpose, to=to)


def worker_retries(tenant, message: Message, captured) -> str:
    """The worker's later attempt at ``message`` (what ``deliver_message`` runs)."""
    with captured(execute=True):
        return deliver_message.apply(args=(tenant.schema_name, message.pk)).get()


def test_a_refused_request_email_is_sent_by_the_worker_once_with_the_same_link(
    alpha_billing,
    alpha,
    owner_client,
    mailoutbox,
    settings,
    queued,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = f"{BACKENDS}.DownBackend"
    draft = send_from_the_dashboard(alpha, owner_client, django_capture_on_commit_callbacks)

    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().status == "sent"
    assert mailoutbox == []
    message = the_message(alpha)
    assert (message.status, message.document_id, message.attempts) == ("queued", draft.pk, 1)
    assert "Connection unexpectedly closed" in message.error
    (((schema, pk), countdown),) = queued
    assert (schema, pk, countdown) == (alpha.schema_name, message.pk, 60)

    settings.EMAIL_BACKEND = LOCMEM  # the mail server is back
    captured = django_capture_on_commit_callbacks
    assert worker_retries(alpha, message, captured) == "sent"
    assert worker_retries(alpha, message, captured) == "sent"  # a redelivered task: no send

    (sent,) = mailoutbox
    assert sent.to == ["ana@client.test"] and "sent you invoice INV-00001" in sent.subject
    url = link_from(sent)
    token = urlsplit(url).path.split("/")[2]
    with schema_context(alpha.schema_name):
        (link,) = RequestLink.objects.all()
        assert link.token_hash == services.hash_token(token)
    assert "Pay now" in client_on(alpha).get(urlsplit(url).path).content.decode()
    # Once it left, its text (and the link in it) is no longer kept.
    assert the_message(alpha).content == ""


def test_a_send_the_server_accepted_is_not_sent_again(
    alpha_billing,
    alpha,
    owner_client,
    mailoutbox,
    settings,
    queued,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = f"{BACKENDS}.AcceptsThenDropsBackend"
    send_from_the_dashboard(alpha, owner_client, django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 1 and queued == []
    message = the_message(alpha)
    assert (
        message.status == "sent"
        and message.provider_id == mailoutbox[0].extra_headers["Message-ID"]
    )
    # A task delivered again (twice, say) finds the email sent and sends nothing.
    worker_retries(alpha, message, django_capture_on_commit_callbacks)
    worker_retries(alpha, message, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1


def test_the_worker_tries_again_after_1_5_15_60_and_180_minutes_then_fails_with_the_reason(
    alpha_billing,
    alpha,
    owner_client,
    mailoutbox,
    settings,
    queued,
    caplog,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = f"{BACKENDS}.DownBackend"
    send_from_the_dashboard(alpha, owner_client, django_capture_on_commit_callbacks)
    message = the_message(alpha)
    while the_message(alpha).status == "queued":
        worker_retries(alpha, message, django_capture_on_commit_callbacks)

    assert [countdown for _args, countdown in queued] == [60, 5 * 60, 15 * 60, 60 * 60, 3 * 3600]
    message = the_message(alpha)
    assert (message.status, message.attempts) == ("failed", 6)
    assert "The mail server failed: Connection unexpectedly closed" in message.error
    assert message.can_resend and message.failed_at is not None
    assert "failed: The mail server failed" in caplog.text
    assert mailoutbox == []
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().status == "sent"


def test_a_half_sent_paid_confirmation_is_completed_without_a_second_client_email(
    alpha, sent_request, mailoutbox, settings, queued, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{BACKENDS}.StaffDownBackend"
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=sent_request.pk).update(status="paid")
        email_services.queue_paid_emails(sent_request.pk)
    assert [m.to for m in mailoutbox[1:]] == [["ana@client.test"]]
    staff = the_message(alpha, "request.paid.staff", alpha.owner_email)
    assert staff.status == "queued" and "Connection refused" in staff.error

    settings.EMAIL_BACKEND = LOCMEM
    assert worker_retries(alpha, staff, django_capture_on_commit_callbacks) == "sent"
    with schema_context(alpha.schema_name):
        email_services.queue_paid_emails(sent_request.pk)  # the paid event applied again

    assert [m.to for m in mailoutbox[1:]] == [["ana@client.test"], [alpha.owner_email]]


def test_a_reminder_retried_after_the_request_was_paid_is_dropped(
    alpha, sent_request, mailoutbox, settings, queued, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{BACKENDS}.DownBackend"
    with schema_context(alpha.schema_name):
        email_services.send_email(sent_request.pk, "reminder", "https://alpha.localhost/pay/x/")
        PaymentRequest.objects.filter(pk=sent_request.pk).update(status="paid")
    reminder = the_message(alpha, "request.reminder")
    assert reminder.status == "queued"

    settings.EMAIL_BACKEND = LOCMEM
    assert worker_retries(alpha, reminder, django_capture_on_commit_callbacks) == "dropped"
    assert len(mailoutbox) == 1  # the request email only
    reminder = the_message(alpha, "request.reminder")
    assert "paid or canceled" in reminder.error and not reminder.has_problem
