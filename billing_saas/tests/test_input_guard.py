"""Text the database cannot store gets the 400 page, which says why, and nothing is saved."""

import html

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, install_client_billing, owner_of
from clients.models import Client as BillingClient

ADDRESS_REFUSED = "The page address contains characters we cannot accept"
FORM_REFUSED = "The form contains characters we cannot accept"


@pytest.fixture
def owner(alpha):
    install_client_billing(alpha)
    owner = client_on(alpha, owner_of(alpha))
    owner.raise_request_exception = False
    return owner


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    "url", ["/billing/?q=%00", "/billing/clients/?q=a%00b", "/accounts/employees/?q=%00"]
)
def test_a_search_with_a_null_character_gets_the_400_page_saying_why(owner, url):
    response = owner.get(url)

    assert response.status_code == 400
    assert ADDRESS_REFUSED in text(response)
    assert b'class="sidebar"' in response.content  # the member keeps the menu


def test_an_address_whose_escapes_are_not_utf8_is_refused(owner):
    response = owner.get("/billing/clients/?q=%ED%A0%80")  # a lone surrogate, UTF-8 encoded

    assert response.status_code == 400
    assert ADDRESS_REFUSED in text(response)


def test_a_null_character_in_the_address_itself_is_refused(alpha):
    response = client_on(alpha).get("/pay/abc%00def/")

    assert response.status_code == 400


def test_a_form_with_a_null_character_is_refused_and_saves_nothing(owner, alpha):
    fields = {"name": "Bea", "email": "bea@client.test", "preferred_currency": "EUR"}

    response = owner.post("/billing/clients/new/", {**fields, "phone": "01\x0023"})

    assert response.status_code == 400
    assert FORM_REFUSED in text(response)
    with schema_context(alpha.schema_name):
        assert not BillingClient.objects.exists()


def test_a_session_cookie_with_a_null_character_is_ignored_not_a_server_error(alpha):
    browser = client_on(alpha)
    browser.raise_request_exception = False
    browser.cookies["sessionid"] = "abcdefgh\x00ijklmnop"

    response = browser.get("/billing/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_webhooks_read_their_own_body_and_refuse_it_themselves(root_client):
    root_client.raise_request_exception = False

    response = root_client.post(
        "/webhooks/stripe/test/", data=b'{"id": "evt_\\u0000"}', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"error": "invalid signature or payload"}
