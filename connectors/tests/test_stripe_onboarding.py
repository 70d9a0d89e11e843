"""Connecting Stripe from the payment settings: OAuth, new accounts, disconnecting."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django_tenants.utils import schema_context

from billing_saas.refusals import ActionRefused
from billing_saas.testing.fixtures import client_on, make_member, owner_of
from billing_saas.testing.stripe import connect_stripe
from connectors.models import Connection
from connectors.routing.models import AccountRoute, OAuthState
from tenants.members.models import Role

SETTINGS = "/settings/payments/"


def start_oauth(client, test_mode=True):
    response = client.post(SETTINGS + "stripe/connect/", {"test_mode": "on"} if test_mode else {})
    assert response.status_code == 302
    return response["Location"]


def consent(authorize_url, decision="allow", business_name="Alpha Studio"):
    """What the person does on Stripe's page: returns where Stripe sends the browser."""
    answer = requests.post(
        authorize_url,
        data={"decision": decision, "business_name": business_name},
        allow_redirects=False,
        timeout=5,
    )
    assert answer.status_code == 302
    return answer.headers["Location"]


def follow_callback(root_client, tenant_client, callback_url):
    parts = urlsplit(callback_url)
    routed = root_client.get(parts.path + "?" + parts.query)
    assert routed.status_code == 302, routed.content
    back = urlsplit(routed["Location"])
    return tenant_client.get(back.path + "?" + back.query, follow=True)


@pytest.fixture
def owner_client(stripe_platform, alpha):
    return client_on(alpha, owner_of(alpha))


def test_an_owner_connects_an_existing_stripe_account(stripe_platform, alpha, owner_client,
                                                      root_client):  # fmt: skip
    authorize = start_oauth(owner_client)
    assert authorize.startswith(stripe_platform.url + "/oauth/authorize")
    query = parse_qs(urlsplit(authorize).query)
    assert query["client_id"] == ["ca_emulator"] and query["scope"] == ["read_write"]
    assert query["redirect_uri"][0].endswith("/connect/stripe/callback/")

    page = follow_callback(root_client, owner_client, consent(authorize))

    with schema_context(alpha.schema_name):
        connection = Connection.objects.get()
    assert connection.status == "connected" and connection.mode == "test"
    assert connection.display_name == "Alpha Studio"
    assert connection.remote_account_id.startswith("acct_")
    assert connection.secrets["access_token"].startswith("sk_test_")
    assert (
        AccountRoute.objects.get(remote_account_id=connection.remote_account_id, active=True).tenant
        == alpha
    )
    content = page.content.decode()
    assert connection.remote_account_id in content and "Test mode" in content


def test_a_replayed_state_is_refused(stripe_platform, alpha, owner_client, root_client):
    authorize = start_oauth(owner_client)
    callback = consent(authorize)
    follow_callback(root_client, owner_client, callback)

    parts = urlsplit(callback)
    replay = root_client.get(parts.path + "?" + parts.query)
    assert replay.status_code == 400
    assert b"not valid" in replay.content
    with schema_context(alpha.schema_name):
        assert Connection.objects.count() == 1


def test_a_forged_state_is_refused_and_nothing_is_connected(stripe_platform, alpha,
                                                            owner_client, root_client):  # fmt: skip
    start_oauth(owner_client)
    forged = root_client.get("/connect/stripe/callback/?code=ac_x&state=forged-state")
    assert forged.status_code == 400
    # Straight to the account's page with someone else's state: refused there too.
    page = owner_client.get(SETTINGS + "stripe/callback/?code=ac_x&state=forged", follow=True)
    assert "not started from this browser session" in page.content.decode()
    with schema_context(alpha.schema_name):
        assert not Connection.objects.exists()


def test_a_state_from_another_users_session_is_refused(stripe_platform, alpha, owner_client,
                                                       root_client):  # fmt: skip
    authorize = start_oauth(owner_client)
    admin = make_member(alpha, "admin@alpha.example", Role.SUPERUSER)
    other = client_on(alpha, admin)
    page = follow_callback(root_client, other, consent(authorize))
    assert "not started from this browser session" in page.content.decode()
    with schema_context(alpha.schema_name):
        assert not Connection.objects.exists()


def test_a_failed_token_exchange_shows_a_clear_message(stripe_platform, alpha, owner_client,
                                                       root_client):  # fmt: skip
    authorize = start_oauth(owner_client)
    callback = consent(authorize)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    stripe_platform.state.oauth_codes.pop(code)  # Stripe no longer knows the code

    page = follow_callback(root_client, owner_client, callback)

    assert "Stripe refused to complete the connection" in page.content.decode()
    with schema_context(alpha.schema_name):
        assert not Connection.objects.exists()


def test_denying_access_on_stripe_says_so(stripe_platform, alpha, owner_client, root_client):
    page = follow_callback(root_client, owner_client, consent(start_oauth(owner_client), "deny"))
    assert "The user denied your request" in page.content.decode()


def test_expired_states_are_refused(stripe_platform, alpha, owner_client, root_client):
    authorize = start_oauth(owner_client)
    OAuthState.objects.update(expires_at="2000-01-01T00:00:00Z")
    query = urlsplit(consent(authorize)).query

    routed = root_client.get(f"/connect/stripe/callback/?{query}")
    assert routed.status_code == 400
    assert "This connection link is not valid" in routed.content.decode()
    # Even brought straight to the account's own page, in the session that started it.
    page = owner_client.get(f"{SETTINGS}stripe/callback/?{query}", follow=True)
    assert "This connection attempt expired. Please start again." in page.content.decode()
    with schema_context(alpha.schema_name):
        assert not Connection.objects.exists()
    assert not AccountRoute.objects.filter(tenant=alpha).exists()


def test_employees_cannot_reach_payment_settings(stripe_platform, alpha):
    employee = make_member(alpha, "emp@alpha.example", Role.EMPLOYEE)
    client = client_on(alpha, employee)
    assert client.get(SETTINGS).status_code == 403
    assert client.post(SETTINGS + "stripe/connect/").status_code == 403


def test_creating_a_new_account_runs_stripe_onboarding(stripe_platform, alpha, owner_client):
    form = {
        "test_mode": "on",
        "country": "FR",
        "business_name": "Alpha Atelier",
        "privacy_url": "https://alpha.example/privacy",
        "terms_url": "",
    }
    refused = owner_client.post(SETTINGS + "stripe/new-account/", form)
    assert refused.status_code == 200 and b"This field is required" in refused.content
    with schema_context(alpha.schema_name):
        assert not Connection.objects.exists()

    form["terms_url"] = "https://alpha.example/terms"
    response = owner_client.post(SETTINGS + "stripe/new-account/", form)
    link = response["Location"]
    assert link.startswith(stripe_platform.url + "/setup/acct_")
    with schema_context(alpha.schema_name):
        connection = Connection.objects.get()
        assert connection.status == "onboarding"
        assert connection.details["privacy_policy_url"] == "https://alpha.example/privacy"

    done = requests.post(
        link, data={"business_name": "Alpha Atelier"}, allow_redirects=False, timeout=5
    )
    back = urlsplit(done.headers["Location"])
    page = owner_client.get(back.path, follow=True)

    assert "ready to take payments" in page.content.decode()
    with schema_context(alpha.schema_name):
        assert Connection.objects.get().status == "connected"


def test_disconnecting_revokes_access_and_keeps_history(stripe_platform, alpha, owner_client):
    connection = connect_stripe(stripe_platform, alpha)
    page = owner_client.post(SETTINGS + f"{connection.pk}/disconnect/", follow=True)

    assert "disconnected" in page.content.decode()
    with schema_context(alpha.schema_name):
        connection.refresh_from_db()
        assert connection.status == "disconnected" and connection.encrypted_secrets == ""
    assert not stripe_platform.state.accounts[connection.remote_account_id].connected
    assert not AccountRoute.objects.filter(
        remote_account_id=connection.remote_account_id, active=True
    ).exists()


def test_one_stripe_account_cannot_serve_two_billing_accounts(stripe_platform, alpha, beta):
    from connectors import services
    from connectors.base import ConnectedAccount

    connection = connect_stripe(stripe_platform, alpha)
    with schema_context(beta.schema_name), pytest.raises(ActionRefused):
        services.save_connection(
            beta,
            owner_of(beta),
            "stripe",
            "test",
            ConnectedAccount(connection.remote_account_id, "x", False),
        )
