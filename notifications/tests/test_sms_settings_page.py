"""The SMS settings page: billing administrators choose how the account's SMS leave (the
default sending or their own Twilio account), the auth token is never shown again, and
"Send a test SMS" says what Twilio answered."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, install_client_billing, make_member, owner_of
from emulators.twilio.server import ACCOUNT_SID
from notifications.models import SmsSending
from tenants.members.models import Role
from tenants.models import Tenant

PAGE, TEST = "/settings/sms/", "/settings/sms/test/"
OWN_SID, OWN_TOKEN = "AC" + "c3" * 16, "alpha-secret-token-abcdef0123456"
OWN_NUMBER, ANA = "+15005550007", "+33612345678"


def form(**extra) -> dict:
    return {
        "mode": "custom",
        "account_sid": OWN_SID,
        "auth_token": OWN_TOKEN,
        "from_number": OWN_NUMBER,
        "messaging_service_sid": "",
        **extra,
    }


def saved(tenant) -> SmsSending:
    with schema_context(tenant.schema_name):
        return SmsSending.current()


def flash(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def owner(tenant):
    return client_on(tenant, owner_of(tenant))


def test_an_administrator_saves_their_own_twilio_and_the_token_is_never_shown(alpha):
    admin = owner(alpha)

    response = admin.post(PAGE, form())
    page = admin.get(PAGE).content.decode()

    assert response.status_code == 302
    sending = saved(alpha)
    assert (sending.mode, sending.account_sid, sending.from_number) == (
        "custom",
        OWN_SID,
        OWN_NUMBER,
    )
    assert sending.auth_token == OWN_TOKEN
    assert OWN_TOKEN not in page and sending.encrypted_auth_token not in page
    assert OWN_SID in page and "Leave empty to keep the current auth token." in page


def test_the_token_is_encrypted_in_the_database(alpha):
    owner(alpha).post(PAGE, form())

    with schema_context(alpha.schema_name), connection.cursor() as cursor:
        # The whole table as a dump would print it.
        cursor.execute("SELECT t::text FROM notifications_smssending AS t")
        dump = " ".join(row[0] for row in cursor.fetchall())

    assert OWN_SID in dump and OWN_TOKEN not in dump


def test_a_form_sent_back_with_an_error_does_not_echo_the_token(alpha):
    response = owner(alpha).post(PAGE, form(from_number=""))

    assert response.status_code == 200
    assert "Enter the number your SMS leave from, or a messaging service SID." in (
        response.content.decode()
    )
    assert OWN_TOKEN not in response.content.decode()


def test_leaving_the_token_empty_keeps_it(alpha):
    admin = owner(alpha)
    admin.post(PAGE, form())

    admin.post(PAGE, form(auth_token="", from_number="+15005550008"))

    assert saved(alpha).from_number == "+15005550008"
    assert saved(alpha).auth_token == OWN_TOKEN


def test_another_account_sid_needs_its_own_token(alpha):
    admin = owner(alpha)
    admin.post(PAGE, form())

    response = admin.post(PAGE, form(account_sid="AC" + "d4" * 16, auth_token=""))

    assert "Enter the auth token of this Twilio account." in response.content.decode()
    assert saved(alpha).account_sid == OWN_SID


def test_a_number_without_country_code_is_read_in_the_accounts_country(alpha):
    Tenant.objects.filter(pk=alpha.pk).update(country="FR")

    owner(alpha).post(PAGE, form(from_number="06 12 34 56 78"))

    assert saved(alpha).from_number == "+33612345678"


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"account_sid": "AC123"}, "AC followed by 32 digits and letters a to f"),
        ({"account_sid": "SK" + "0" * 32}, "AC followed by 32 digits and letters a to f"),
        ({"account_sid": ""}, "Enter your Twilio account SID."),
        ({"auth_token": ""}, "Enter the auth token of this Twilio account."),
        ({"from_number": "12"}, "Enter a valid phone number"),
        (
            {"from_number": "", "messaging_service_sid": "MG" + "z" * 32},
            "MG followed by 32 digits and letters a to f",
        ),
    ],
    ids=["short sid", "not an account sid", "no sid", "no token", "bad number", "bad service"],
)
def test_a_wrong_field_is_said_in_plain_words_and_nothing_is_saved(alpha, fields, error):
    response = owner(alpha).post(PAGE, form(**fields))

    assert response.status_code == 200
    assert error in response.content.decode().replace("&#x27;", "'")
    assert saved(alpha).mode == "default"


def test_a_messaging_service_alone_is_enough(alpha):
    service = "MG" + "e5" * 16

    owner(alpha).post(PAGE, form(from_number="", messaging_service_sid=service))

    assert (saved(alpha).mode, saved(alpha).messaging_service_sid) == ("custom", service)


def test_the_default_sending_needs_nothing(alpha):
    response = owner(alpha).post(PAGE, {"mode": "default"})

    assert response.status_code == 302 and saved(alpha).mode == "default"


@pytest.mark.parametrize("path", [PAGE, TEST])
def test_an_employee_is_refused(alpha, twilio_platform, path):
    employee = make_member(alpha, "eve@example.com", role=Role.EMPLOYEE)

    response = client_on(alpha, employee).post(path, {**form(), "phone": ANA})

    assert response.status_code == 403
    assert saved(alpha).mode == "default" and twilio_platform.state.messages == {}


def test_the_client_billing_settings_page_links_here(alpha):
    install_client_billing(alpha)

    page = owner(alpha).get("/billing/settings/").content.decode()

    assert f'href="{PAGE}"' in page


# ---- Send a test SMS ----------------------------------------------------------------------
def press_test(tenant, phone=ANA):
    return owner(tenant).post(TEST, {"phone": phone}, follow=True)


def test_the_test_sms_goes_through_the_accounts_own_twilio(alpha, twilio_platform):
    twilio_platform.add_account(OWN_SID, OWN_TOKEN)
    owner(alpha).post(PAGE, form())

    response = press_test(alpha)

    assert f"Twilio accepted the test SMS for {ANA}, through your own Twilio account." in flash(
        response
    )
    (sms,) = twilio_platform.sent_to(ANA)
    assert (sms["account_sid"], sms["from"]) == (OWN_SID, OWN_NUMBER)
    assert sms["body"].startswith("Alpha Studio: a test SMS.")


def test_the_test_sms_goes_through_the_default_sending(alpha, twilio_platform):
    response = press_test(alpha)

    assert f"Twilio accepted the test SMS for {ANA}, through the default sending." in flash(
        response
    )
    assert twilio_platform.sent_to(ANA)[0]["account_sid"] == ACCOUNT_SID


@pytest.mark.parametrize(
    "setup, phone, words",
    [
        ("wrong token", ANA, "Twilio refused the account SID or auth token."),
        ("", "+15005550001", "The SMS was not sent: the number is not a valid phone number."),
        ("", "+15005550009", "The SMS was not sent: the number is not a mobile number."),
        ("unreachable", ANA, "Twilio could not be reached; try again in a moment."),
        ("not configured", ANA, "SMS sending is not configured."),
    ],
    ids=["wrong token", "invalid number", "landline", "unreachable", "not configured"],
)
def test_the_test_sms_reports_twilios_answer_in_plain_words(
    alpha, twilio_platform, settings, setup, phone, words
):
    twilio_platform.add_account(OWN_SID, "the-token-twilio-knows")
    if setup == "wrong token":
        owner(alpha).post(PAGE, form())
    if setup == "unreachable":
        settings.TWILIO_API_BASE = "http://127.0.0.1:9"
    if setup == "not configured":
        settings.TWILIO_ACCOUNT_SID = ""

    response = press_test(alpha, phone)

    assert words in flash(response)
    assert OWN_TOKEN not in response.content.decode()
    assert twilio_platform.state.messages == {}


def test_a_test_number_that_is_not_a_phone_number_is_said_on_the_page(alpha, twilio_platform):
    response = owner(alpha).post(TEST, {"phone": "not a number"})

    assert response.status_code == 200
    assert "Enter a valid phone number" in response.content.decode().replace("&#x27;", "'")
    assert twilio_platform.state.messages == {}
