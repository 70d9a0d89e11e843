"""Clients texting STOP or START to our sender, through the Twilio emulator's signed webhook."""

from __future__ import annotations

from django_tenants.utils import schema_context

from clients.models import Client
from notifications.sms import SmsError, send_sms

ANA_MOBILE = "+33612345678"
INBOUND = "/webhooks/twilio/inbound/"


def client_in(tenant, mobile=ANA_MOBILE, email="ana@client.test"):
    with schema_context(tenant.schema_name):
        return Client.objects.create(name="Ana", email=email, mobile=mobile)


def opted_out(tenant, client) -> bool:
    with schema_context(tenant.schema_name):
        return Client.objects.get(pk=client.pk).sms_opted_out


def test_stop_opts_the_client_out_in_every_account_and_start_back_in(alpha, beta, twilio_platform):
    ana_at_alpha, ana_at_beta = client_in(alpha), client_in(beta)
    other = client_in(alpha, "+33698765432", "bob@client.test")

    _, status = twilio_platform.inbound(ANA_MOBILE, " Stop ")
    assert status == 200
    assert opted_out(alpha, ana_at_alpha) and opted_out(beta, ana_at_beta)
    assert not opted_out(alpha, other)
    with schema_context(alpha.schema_name):
        assert Client.objects.get(pk=ana_at_alpha.pk).sms_opted_out_at is not None

    twilio_platform.inbound(ANA_MOBILE, "START")
    assert not opted_out(alpha, ana_at_alpha) and not opted_out(beta, ana_at_beta)
    assert send_sms(ANA_MOBILE, "Hello").status == "queued"  # Twilio takes them again too


def test_twilio_stop_synonyms_opt_out_too(alpha, twilio_platform):
    for word in ("unsubscribe", "QUIT", "stopall"):
        client = client_in(alpha)
        twilio_platform.inbound(ANA_MOBILE, word)
        assert opted_out(alpha, client), word
        twilio_platform.inbound(ANA_MOBILE, "unstop")
        assert not opted_out(alpha, client), word
        with schema_context(alpha.schema_name):
            client.delete()


def test_after_stop_twilio_refuses_our_sms_to_that_number(alpha, twilio_platform):
    client_in(alpha)
    twilio_platform.inbound(ANA_MOBILE, "STOP")
    try:
        send_sms(ANA_MOBILE, "Hello")
    except SmsError as refused:
        assert refused.code == 21610
    else:
        raise AssertionError("Twilio took an SMS to a number that texted STOP")


def test_another_message_changes_nothing(alpha, twilio_platform):
    client = client_in(alpha)
    _, status = twilio_platform.inbound(ANA_MOBILE, "Stop sending me invoices please")
    assert status == 200 and not opted_out(alpha, client)


def test_a_forged_signature_is_refused_and_changes_nothing(alpha, twilio_platform, root_client):
    client = client_in(alpha)
    params = {"MessageSid": "SM" + "0" * 32, "From": ANA_MOBILE, "To": "+15005550006"}
    for signature in ("", "bm90IGEgc2lnbmF0dXJl"):
        response = root_client.post(
            INBOUND, {**params, "Body": "STOP"}, HTTP_X_TWILIO_SIGNATURE=signature
        )
        assert response.status_code == 403
    assert not opted_out(alpha, client)


def test_a_signature_for_other_fields_is_refused(alpha, twilio_platform, root_client):
    client = client_in(alpha)
    twilio_platform.inbound(ANA_MOBILE, "hello")
    url, params, signature, _ = twilio_platform.courier.delivered[-1]
    tampered = {**params, "Body": "STOP"}
    response = root_client.post(INBOUND, tampered, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403 and not opted_out(alpha, client)


def test_a_replayed_stop_changes_nothing(alpha, twilio_platform, root_client):
    client = client_in(alpha)
    twilio_platform.inbound(ANA_MOBILE, "STOP")
    _, stop, signature, _ = twilio_platform.courier.delivered[-1]
    twilio_platform.inbound(ANA_MOBILE, "START")
    assert not opted_out(alpha, client)

    replay = root_client.post(INBOUND, stop, HTTP_X_TWILIO_SIGNATURE=signature)
    assert replay.status_code == 200  # Twilio's signature is right: it is acknowledged
    assert not opted_out(alpha, client)
