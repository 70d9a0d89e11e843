"""A request's email the mail server fails to take is sent later, once, with the same link."""

from __future__ import annotations

import smtplib
from urllib.parse import urlsplit

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on
from payment_requests import services, tasks
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
    """Retries queued for the worker: (arguments, countdown)."""
    retries = []
    monkeypatch.setattr(
        tasks.retry_email,
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
    ((args, countdown),) = queued
    schema, pk, template, url = args
    assert (schema, pk, template, countdown) == (alpha.schema_name, draft.pk, "request", 60)

    settings.EMAIL_BACKEND = LOCMEM  # the mail server is back
    assert tasks.retry_email.apply(args=args).get() == "sent"
    assert tasks.retry_email.apply(args=args).get() == "already sent"  # a redelivered message

    (sent,) = mailoutbox
    assert sent.to == ["ana@client.test"] and "sent you invoice INV-00001" in sent.subject
    assert link_from(sent) == url
    token = urlsplit(url).path.split("/")[2]
    with schema_context(alpha.schema_name):
        (link,) = RequestLink.objects.all()
        assert link.token_hash == services.hash_token(token)
    assert "Pay now" in client_on(alpha).get(urlsplit(url).path).content.decode()


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
    draft = send_from_the_dashboard(alpha, owner_client, django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 1 and queued == []
    # A retry queued anyway (twice, say) finds the email sent and sends nothing.
    url = link_from(mailoutbox[0])
    assert tasks.retry_email.apply(args=(alpha.schema_name, draft.pk, "request", url)).get() == (
        "already sent"
    )
    assert len(mailoutbox) == 1


def test_the_worker_tries_again_after_5_15_and_60_minutes_then_gives_up(
    alpha_billing,
    alpha,
    owner_client,
    mailoutbox,
    settings,
    queued,
    monkeypatch,
    caplog,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = f"{BACKENDS}.DownBackend"
    send_from_the_dashboard(alpha, owner_client, django_capture_on_commit_callbacks)
    ((args, first),) = queued
    countdowns = [first]
    retry = tasks.retry_email.retry

    def recording_retry(**options):
        countdowns.append(options["countdown"])
        return retry(**options)

    monkeypatch.setattr(tasks.retry_email, "retry", recording_retry)

    result = tasks.retry_email.apply(args=args)  # the worker, retrying as told (eagerly here)

    assert result.failed() and isinstance(result.result, smtplib.SMTPServerDisconnected)
    assert countdowns == [60, 5 * 60, 15 * 60, 60 * 60]
    assert "request email of request" in caplog.text and "given up" in caplog.text
    assert mailoutbox == []
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().status == "sent"


def test_a_half_sent_paid_confirmation_is_completed_without_a_second_client_email(
    alpha, sent_request, mailoutbox, settings, queued
):
    settings.EMAIL_BACKEND = f"{BACKENDS}.StaffDownBackend"
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=sent_request.pk).update(status="paid")
        email_services.queue_paid_emails(sent_request.pk)
    assert [m.to for m in mailoutbox[1:]] == [["ana@client.test"]]
    ((args, _countdown),) = queued

    settings.EMAIL_BACKEND = LOCMEM
    assert tasks.retry_email.apply(args=args).get() == "sent"

    assert [m.to for m in mailoutbox[1:]] == [["ana@client.test"], [alpha.owner_email]]


def test_a_reminder_retried_after_the_request_was_paid_is_dropped(
    alpha, sent_request, mailoutbox, settings, queued
):
    settings.EMAIL_BACKEND = f"{BACKENDS}.DownBackend"
    with schema_context(alpha.schema_name):
        email_services.send_or_retry(sent_request.pk, "reminder", "https://alpha.localhost/pay/x/")
        PaymentRequest.objects.filter(pk=sent_request.pk).update(status="paid")
    ((args, _countdown),) = queued

    settings.EMAIL_BACKEND = LOCMEM
    assert tasks.retry_email.apply(args=args).get() == "outdated"
    assert len(mailoutbox) == 1  # the request email only
