"""The client's own details in its portal: saved to its record, validated, its language
applied at once; its email address is not changed from here."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from client_portal.tests.conftest import make_client, signed_in
from clients.models import Client

VALID = {
    "name": "Ana Martin",
    "company": "Martin & Fils",
    "phone": "01 23 45 67 89",
    "mobile": "+33 6 12 34 56 78",
    "address": "1 Rue Haute\n75001 Paris",
    "language": "",
}


@pytest.fixture
def ana(alpha):
    return make_client(alpha, "Ana Client", "ana@client.test")


def saved(tenant, client) -> Client:
    with schema_context(tenant.schema_name):
        return Client.objects.get(pk=client.pk)


def test_the_client_saves_its_details(alpha, ana):
    page = signed_in(alpha, ana)
    form = page.get("/portal/profile/").content.decode()
    assert 'value="Ana Client"' in form and "ana@client.test" in form

    response = page.post("/portal/profile/", {**VALID, "sms_opted_out": "on"})

    assert response.status_code == 302
    client = saved(alpha, ana)
    assert (client.name, client.company, client.phone) == (
        "Ana Martin",
        "Martin & Fils",
        "01 23 45 67 89",
    )
    assert str(client.mobile) == "+33612345678"  # E.164
    assert client.address == "1 Rue Haute\n75001 Paris"
    assert client.sms_opted_out and client.sms_opted_out_at is not None
    assert "Your details are saved." in page.get(response["Location"]).content.decode()

    page.post("/portal/profile/", VALID)  # the box unticked: texts again
    client = saved(alpha, ana)
    assert not client.sms_opted_out and client.sms_opted_out_at is None


def test_the_email_address_is_not_changed_from_the_portal(alpha, ana):
    signed_in(alpha, ana).post("/portal/profile/", {**VALID, "email": "thief@evil.test"})
    assert saved(alpha, ana).email == "ana@client.test"


def test_the_language_applies_at_once(alpha, ana):
    page = signed_in(alpha, ana)
    response = page.post("/portal/profile/", {**VALID, "language": "fr"}, follow=True)

    assert saved(alpha, ana).language == "fr"
    text = response.content.decode()
    assert '<html lang="fr">' in text and "Factures" in text  # the nav, in French


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "   ", "This field is required."),
        ("mobile", "12", "Enter a valid phone number"),
        ("language", "xx", "Select a valid choice"),
        ("address", "a" * 501, "at most 500 characters"),
        ("name", "n" * 201, "at most 200 characters"),
    ],
)
def test_invalid_details_are_refused_with_a_message_and_nothing_saved(
    alpha, ana, field, value, message
):
    page = signed_in(alpha, ana)
    response = page.post("/portal/profile/", {**VALID, field: value})

    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    assert "Ana Client" in text  # the header still shows the saved name
    assert saved(alpha, ana).name == "Ana Client"


def test_hostile_input_is_stored_as_text_and_shown_escaped(alpha, ana):
    page = signed_in(alpha, ana)
    hostile = "<script>alert(1)</script>\"' OR 1=1 --"
    page.post("/portal/profile/", {**VALID, "name": hostile, "company": hostile})

    assert saved(alpha, ana).name == hostile
    text = page.get("/portal/profile/").content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_a_null_character_is_refused(alpha, ana):
    response = signed_in(alpha, ana).post("/portal/profile/", {**VALID, "company": "a\x00b"})
    assert response.status_code == 400
    assert saved(alpha, ana).company == ""


def test_signed_out_visitors_go_to_sign_in(alpha):
    from client_portal.tests.conftest import browser

    visitor = browser(alpha)
    assert visitor.get("/portal/profile/")["Location"] == "/portal/sign-in/"
    assert visitor.post("/portal/profile/", VALID)["Location"] == "/portal/sign-in/"
