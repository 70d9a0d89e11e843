"""API keys: made by billing administrators, shown once, stored hashed, revocable; and the
API answers only to an active key of the account it is called on."""

from __future__ import annotations

import hashlib

from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member
from charges.models import ApiKey
from charges.tests.api import Api, a_key
from charges.tests.conftest import a_client, charges_of
from tenants.members.models import Role


def add_one(api, client):
    return api.add(client_id=client.pk, description="Cut", unit_price="30", currency="EUR",
                   due_date="2026-12-01")  # fmt: skip


def test_a_new_key_is_shown_once_and_only_its_hash_is_stored(alpha, owner_client):
    response = owner_client.post("/settings/api-keys/", {"name": "Booking tool"}, follow=True)

    page = response.content.decode()
    secret = page.split("data-secret>")[1].split("<")[0]
    assert secret.startswith("chg_") and len(secret) >= 4 + 43  # 256 random bits
    with schema_context(alpha.schema_name):
        key = ApiKey.objects.get()
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(vars(key)) and key.prefix == secret[:12]
    again = owner_client.get("/settings/api-keys/").content.decode()
    assert secret not in again and f"{key.prefix}…" in again


def test_the_key_adds_charges_and_is_marked_used(alpha):
    api = Api(alpha, a_key(alpha))

    assert add_one(api, a_client(alpha)).status_code == 201
    with schema_context(alpha.schema_name):
        assert ApiKey.objects.get().last_used_at is not None


def test_no_key_a_wrong_key_or_another_scheme_is_401(alpha):
    ana = a_client(alpha)
    a_key(alpha)
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer chg_wrong"},
                    {"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"}):  # fmt: skip
        api = Api(alpha, None)
        api.headers = headers
        response = add_one(api, ana)
        assert response.status_code == 401, headers
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["error"]["message"]
    assert charges_of(alpha) == []


def test_a_signed_in_session_is_not_an_api_key(alpha, owner_client):
    response = owner_client.get("/api/v1/charges/")

    assert response.status_code == 401


def test_a_revoked_key_is_refused(alpha, owner_client):
    secret = a_key(alpha)
    with schema_context(alpha.schema_name):
        key = ApiKey.objects.get()

    owner_client.post(f"/settings/api-keys/{key.pk}/revoke/")

    assert add_one(Api(alpha, secret), a_client(alpha)).status_code == 401
    assert "Revoked on" in owner_client.get("/settings/api-keys/").content.decode()


def test_another_accounts_key_is_unknown_here(alpha, beta):
    betas_key = a_key(beta)

    response = add_one(Api(alpha, betas_key), a_client(alpha))

    assert response.status_code == 401
    assert charges_of(alpha) == [] and charges_of(beta) == []


def test_only_billing_administrators_manage_keys(alpha):
    employee = make_member(alpha, "emma@alpha.example", Role.EMPLOYEE)
    http = client_on(alpha, employee)

    assert http.get("/settings/api-keys/").status_code == 403
    assert http.post("/settings/api-keys/", {"name": "Mine"}).status_code == 403
    with schema_context(alpha.schema_name):
        assert not ApiKey.objects.exists()
