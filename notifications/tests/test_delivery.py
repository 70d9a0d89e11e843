"""The delivery record: each message one row, handed over by the worker after the commit,
never twice whatever crashes, every failure kept with its reason; Twilio's verified status
callbacks move an SMS to delivered, bounced or failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client as HttpClient
from django_tenants.utils import schema_context
from twilio.request_validator import RequestValidator

from clients.models import Client
from emulators.twilio.server import AUTH_TOKEN
from notifications import delivery
from notifications.models import Message
from notifications.notify import Recipient, notify
from notifications.tasks import deliver_message, sweep_messages
from notifications.tests.test_notify import REQUEST_CONTEXT

MOBILE = "+33612345678"
Status = Message.Status


class Crash(BaseException):
    """The worker's process dies (not an exception any code catches)."""


def client_with(alpha, mobile=MOBILE) -> Client:
    with schema_context(alpha.schema_name):
        return Client.objects.create(name="Ana", email="ana@client.test", mobile=mobile)


def request_to(alpha, client, **options) -> int:
    with schema_context(alpha.schema_name):
        return notify(Recipient.for_client(client), "request.sent", REQUEST_CONTEXT, **options)


def message(alpha, channel) -> Message:
    with schema_context(alpha.schema_name):
        return Message.objects.get(channel=channel)


def crash_after_the_provider_took_it(monkeypatch):
    """The provider accepted the message; the worker dies before recording it."""

    def crash(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(delivery, "_sent", crash)


def later(alpha, pk, minutes=3):
    """Time passes: the dead worker's claim runs out."""
    with schema_context(alpha.schema_name):
        Message.objects.filter(pk=pk).update(
            claimed_at=Message.objects.get(pk=pk).claimed_at - timedelta(minutes=minutes)
        )


def test_each_message_is_one_row_with_its_channel_recipient_and_purpose(
    alpha, twilio_platform, mailoutbox
):
    client = client_with(alpha)
    request_to(alpha, client, about=("test_document", 7))

    with schema_context(alpha.schema_name):
        rows = {m.channel: m for m in Message.objects.all()}
    email, sms = rows["email"], rows["sms"]
    assert (email.to, sms.to) == ("ana@client.test", MOBILE)
    assert {m.purpose for m in rows.values()} == {"request.sent"}
    assert {(m.document_type, m.document_id, m.client_id) for m in rows.values()} == {
        ("test_document", 7, client.pk)
    }
    assert email.status == sms.status == Status.SENT and email.attempts == sms.attempts == 1
    assert sms.provider_id == twilio_platform.sent_to(MOBILE)[0]["sid"]
    assert email.provider_id == mailoutbox[0].extra_headers["Message-ID"]
    assert email.content == ""  # gone once it left: it carried the link
    assert sms.content  # kept until Twilio says it arrived: it may still fail


def test_messages_leave_only_once_the_change_commits(
    alpha, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    real = delivery.__dict__["queue"]
    monkeypatch.setattr(delivery, "deliver_after_commit", lambda pk: _after_commit(real, pk))
    client = client_with(alpha, mobile="")

    with django_capture_on_commit_callbacks(execute=True):
        with schema_context(alpha.schema_name), transaction.atomic():
            request_to(alpha, client)
            assert mailoutbox == []  # recorded, not sent: the change may still roll back
    assert len(mailoutbox) == 1

    with schema_context(alpha.schema_name):
        with pytest.raises(RuntimeError), transaction.atomic():
            request_to(alpha, client, once_key="rolled-back")
            raise RuntimeError("the change fails")
        assert not Message.objects.filter(key="rolled-back").exists()
    assert len(mailoutbox) == 1


def _after_commit(queue, pk):
    from tenants.schema import on_commit_here

    on_commit_here(lambda: queue(pk))


def test_a_worker_dying_after_twilio_took_the_sms_does_not_send_it_twice(
    alpha, twilio_platform, monkeypatch
):
    client = client_with(alpha)
    crash_after_the_provider_took_it(monkeypatch)
    with pytest.raises(Crash):
        request_to(alpha, client, channels=["sms"])
    sms = message(alpha, "sms")
    assert sms.status == Status.SENDING and len(twilio_platform.sent_to(MOBILE)) == 1
    monkeypatch.undo()

    # The broker hands the task over again at once: the claim is fresh, nothing is sent.
    assert deliver_message.apply(args=(alpha.schema_name, sms.pk)).get() == "sending"
    later(alpha, sms.pk)
    assert deliver_message.apply(args=(alpha.schema_name, sms.pk)).get() == "sent"

    (only,) = twilio_platform.sent_to(MOBILE)
    sms = message(alpha, "sms")
    assert (sms.status, sms.provider_id, sms.attempts) == (Status.SENT, only["sid"], 1)


def test_a_worker_dying_before_twilio_got_the_sms_sends_it_on_the_next_try(
    alpha, twilio_platform, monkeypatch
):
    client = client_with(alpha)

    def crash_before(*args, **kwargs):
        raise Crash

    monkeypatch.setattr("notifications.sms.send_sms", crash_before)
    with pytest.raises(Crash):
        request_to(alpha, client, channels=["sms"])
    monkeypatch.undo()
    sms = message(alpha, "sms")
    later(alpha, sms.pk)

    assert deliver_message.apply(args=(alpha.schema_name, sms.pk)).get() == "sent"
    assert len(twilio_platform.sent_to(MOBILE)) == 1 and message(alpha, "sms").attempts == 2


def test_a_worker_dying_after_the_mail_server_took_the_email_does_not_send_it_twice(
    alpha, mailoutbox, monkeypatch
):
    client = client_with(alpha, mobile="")
    crash_after_the_provider_took_it(monkeypatch)
    with pytest.raises(Crash):
        request_to(alpha, client)
    monkeypatch.undo()
    email = message(alpha, "email")
    later(alpha, email.pk)

    assert deliver_message.apply(args=(alpha.schema_name, email.pk)).get() == "sent"

    assert len(mailoutbox) == 1  # a mail server cannot be asked: not risked twice
    assert "most likely arrived" in message(alpha, "email").error


def test_the_sweep_sends_a_message_whose_task_was_lost(alpha, mailoutbox, monkeypatch):
    monkeypatch.setattr(delivery, "deliver_after_commit", lambda pk: None)  # broker lost it
    request_to(alpha, client_with(alpha, mobile=""))
    assert mailoutbox == []
    with schema_context(alpha.schema_name):
        assert sweep_messages.apply(args=(alpha.schema_name,)).get() == 0  # not due yet
        Message.objects.update(created_at=Message.objects.get().created_at - timedelta(minutes=5))

    assert sweep_messages.apply(args=(alpha.schema_name,)).get() == 1
    assert len(mailoutbox) == 1 and message(alpha, "email").status == Status.SENT


def test_twilio_reports_sent_then_delivered(alpha, twilio_platform):
    request_to(alpha, client_with(alpha), channels=["sms"])

    assert twilio_platform.flush_callbacks() == 2

    sms = message(alpha, "sms")
    assert sms.status == Status.DELIVERED and sms.delivered_at is not None
    assert sms.content == ""


@pytest.mark.parametrize(
    "mobile, status, reason",
    [
        ("+15005550020", Status.BOUNCED, "the phone is off or out of reach"),
        ("+15005550021", Status.FAILED, "landline"),
    ],
    ids=["undelivered", "failed"],
)
def test_twilio_reporting_a_lost_sms_records_it_with_the_reason(
    alpha, twilio_platform, mobile, status, reason
):
    request_to(alpha, client_with(alpha, mobile=mobile), channels=["sms"])
    twilio_platform.flush_callbacks()

    sms = message(alpha, "sms")
    assert sms.status == status and reason in sms.error and sms.has_problem and sms.can_resend


def status_callback(alpha, sms, status, token=AUTH_TOKEN, **extra):
    url = f"http://{alpha.host}/webhooks/twilio/messages/{sms.pk}/status/"
    params = {
        "AccountSid": "AC" + "e" * 32,
        "MessageSid": sms.provider_id,
        "MessageStatus": status,
        **extra,
    }
    signature = RequestValidator(token).compute_signature(url, params)
    return HttpClient(HTTP_HOST=alpha.host).post(url, params, HTTP_X_TWILIO_SIGNATURE=signature)


def test_a_forged_or_tampered_status_callback_is_refused_and_changes_nothing(
    alpha, twilio_platform
):
    request_to(alpha, client_with(alpha), channels=["sms"])
    sms = message(alpha, "sms")

    assert status_callback(alpha, sms, "failed", token="not-the-token").status_code == 403
    url = f"http://{alpha.host}/webhooks/twilio/messages/{sms.pk}/status/"
    good = RequestValidator(AUTH_TOKEN).compute_signature(
        url, {"MessageSid": sms.provider_id, "MessageStatus": "delivered"}
    )
    tampered = HttpClient(HTTP_HOST=alpha.host).post(
        url,
        {"MessageSid": sms.provider_id, "MessageStatus": "failed"},
        HTTP_X_TWILIO_SIGNATURE=good,
    )
    unsigned = HttpClient(HTTP_HOST=alpha.host).post(url, {"MessageStatus": "failed"})

    assert (tampered.status_code, unsigned.status_code) == (403, 403)
    assert message(alpha, "sms").status == Status.SENT


def test_a_late_sent_report_never_moves_a_delivered_sms_back(alpha, twilio_platform):
    request_to(alpha, client_with(alpha), channels=["sms"])
    sms = message(alpha, "sms")

    assert status_callback(alpha, sms, "delivered").status_code == 204
    assert status_callback(alpha, sms, "sent").status_code == 204
    assert message(alpha, "sms").status == Status.DELIVERED

    assert status_callback(alpha, sms, "failed", ErrorCode="30003").status_code == 204
    assert message(alpha, "sms").status == Status.DELIVERED  # final: nothing moves it


def test_a_report_for_another_sid_is_ignored(alpha, twilio_platform):
    request_to(alpha, client_with(alpha), channels=["sms"])
    sms = message(alpha, "sms")
    sms.provider_id = "SM" + "0" * 32

    assert status_callback(alpha, sms, "failed").status_code == 204
    assert message(alpha, "sms").status == Status.SENT


def use_own_twilio(tenant, account_sid, auth_token) -> None:
    """The account chose its own Twilio account (SMS settings)."""
    from notifications.sms_settings import SmsSending

    with schema_context(tenant.schema_name):
        sending = SmsSending.current()
        sending.mode, sending.account_sid = SmsSending.Mode.CUSTOM, account_sid
        sending.from_number = "+15005550006"
        sending.set_auth_token(auth_token)
        sending.save()


def test_an_account_sending_with_its_own_twilio_gets_reports_signed_with_its_token(
    alpha, twilio_platform
):
    own_sid, own_token = "AC" + "1" * 32, "own-token-of-alpha-0123456789abcd"
    twilio_platform.add_account(own_sid, own_token)
    use_own_twilio(alpha, own_sid, own_token)

    request_to(alpha, client_with(alpha), channels=["sms"])
    twilio_platform.flush_callbacks()

    assert twilio_platform.sent_to(MOBILE, account_sid=own_sid)
    assert message(alpha, "sms").status == Status.DELIVERED


def test_stop_texted_to_an_accounts_own_number_opts_out_its_client_only(
    alpha, beta, twilio_platform
):
    own_sid, own_token = "AC" + "2" * 32, "own-token-of-alpha-abcdef0123456789"
    use_own_twilio(alpha, own_sid, own_token)
    client_with(alpha)
    client_with(beta)
    url = f"http://{alpha.host}/webhooks/twilio/inbound/"
    params = {"AccountSid": own_sid, "MessageSid": "SM" + "3" * 32, "From": MOBILE, "Body": "STOP"}

    def post(token, account_sid=own_sid):
        fields = {**params, "AccountSid": account_sid}
        signature = RequestValidator(token).compute_signature(url, fields)
        return HttpClient(HTTP_HOST=alpha.host).post(url, fields, HTTP_X_TWILIO_SIGNATURE=signature)

    # The product's token cannot speak for the account's own number, nor a forged one.
    assert post(AUTH_TOKEN, "AC" + "e" * 32).status_code == 403
    assert post("forged-token").status_code == 403
    with schema_context(alpha.schema_name):
        assert not Client.objects.get().sms_opted_out

    assert post(own_token).status_code == 200

    with schema_context(alpha.schema_name):
        assert Client.objects.get().sms_opted_out
    with schema_context(beta.schema_name):
        assert not Client.objects.get().sms_opted_out


def test_an_unexpected_error_while_sending_is_recorded_and_retried_not_taken_for_sent(
    alpha, mailoutbox, monkeypatch
):
    def broken(*args, **kwargs):
        raise KeyError("a bug of ours")

    monkeypatch.setattr("notifications.channels.send_email", broken)
    request_to(alpha, client_with(alpha, mobile=""))
    email = message(alpha, "email")
    assert email.status == Status.QUEUED and "KeyError" in email.error
    monkeypatch.undo()

    assert deliver_message.apply(args=(alpha.schema_name, email.pk)).get() == "sent"
    assert len(mailoutbox) == 1
