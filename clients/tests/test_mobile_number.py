"""A client's mobile number: validated, stored in E.164, read in the account's country."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from clients.models import Client
from clients.tests.conftest import make_client
from tenants.models import Tenant


@pytest.fixture
def french_account(alpha):
    Tenant.objects.filter(pk=alpha.pk).update(country="FR")
    return alpha


def post_client(owner_client, mobile, **extra):
    data = {"name": "Bea", "email": "bea@client.test", "preferred_currency": "EUR"}
    return owner_client.post("/billing/clients/new/", {**data, "mobile": mobile, **extra})


def test_a_national_number_is_stored_in_e164_with_the_account_country(french_account, owner_client):
    response = post_client(owner_client, "06 12 34 56 78")
    assert response.status_code == 302
    with schema_context(french_account.schema_name):
        assert str(Client.objects.get(email="bea@client.test").mobile) == "+33612345678"


def test_a_number_with_its_country_code_is_kept_whatever_the_account_country(
    french_account, owner_client
):
    post_client(owner_client, "+44 7911 123456")
    with schema_context(french_account.schema_name):
        assert str(Client.objects.get(email="bea@client.test").mobile) == "+447911123456"


def test_a_bad_number_is_a_form_error_not_a_crash(french_account, owner_client):
    response = post_client(owner_client, "123")
    assert response.status_code == 200
    assert "Enter a valid phone number" in response.content.decode()
    with schema_context(french_account.schema_name):
        assert not Client.objects.filter(email="bea@client.test").exists()


def test_no_mobile_is_fine(french_account, owner_client):
    assert post_client(owner_client, "").status_code == 302
    with schema_context(french_account.schema_name):
        assert not Client.objects.get(email="bea@client.test").mobile


def test_a_client_who_opted_out_shows_it_on_the_list_and_the_form(alpha, owner_client):
    client = make_client(alpha)
    with schema_context(alpha.schema_name):
        Client.objects.filter(pk=client.pk).update(
            mobile="+33612345678", sms_opted_out=True, sms_opted_out_at=timezone.now()
        )
    assert "Opted out of SMS" in owner_client.get("/billing/clients/").content.decode()
    form = owner_client.get(f"/billing/clients/{client.pk}/").content.decode()
    assert "Opted out of SMS" in form
    assert "+33612345678" in form or "06 12 34 56 78" in form
