"""Errors show the product's pages, as in production (DEBUG off): what happened, how to go on."""

import html

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import get_resolver

from billing_saas import errors
from billing_saas.testing.fixtures import (
    PASSWORD,
    client_on,
    install_client_billing,
    make_member,
)

URLCONFS = [settings.PUBLIC_SCHEMA_URLCONF, settings.ROOT_URLCONF]
STYLESHEET = b'href="/static/css/app.css"'


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_tests_see_the_pages_production_shows():
    assert settings.DEBUG is False


@pytest.mark.parametrize("urlconf", URLCONFS)
def test_both_hosts_use_the_products_error_handlers(urlconf):
    resolver = get_resolver(urlconf)

    assert resolver.resolve_error_handler(400) is errors.bad_request
    assert resolver.resolve_error_handler(403) is errors.permission_denied
    assert resolver.resolve_error_handler(404) is errors.page_not_found
    assert resolver.resolve_error_handler(500) is errors.server_error


def test_an_employee_without_billing_access_is_told_whom_to_ask(alpha):
    install_client_billing(alpha)
    employee = make_member(alpha, "emma@alpha.example", full_name="Emma Employee")

    response = client_on(alpha, employee).get("/billing/")

    assert response.status_code == 403
    page = text(response)
    assert "You don't have access to this page" in page
    assert "Client Billing is open to billing administrators" in page
    assert "Alpha Owner" in page and 'href="mailto:owner@alpha.example"' in page
    assert '<a class="button" href="/">Back to the dashboard</a>' in page
    assert 'class="sidebar"' in page  # a signed-in member keeps the app's menu
    assert STYLESHEET in response.content


def test_an_employee_on_an_administrators_page_gets_the_reason(alpha):
    employee = make_member(alpha, "eli@alpha.example")

    response = client_on(alpha, employee).get("/accounts/employees/")

    assert response.status_code == 403
    assert b"This page is for billing administrators only." in response.content
    assert b"Alpha Owner" in response.content


def test_a_missing_page_on_an_account_host_keeps_the_menu_for_members(alpha):
    member = make_member(alpha, "mo@alpha.example")

    response = client_on(alpha, member).get("/no-such-page/")

    assert response.status_code == 404
    assert "We can't find this page" in text(response)
    assert b'class="sidebar"' in response.content
    assert b"Back to the dashboard" in response.content


def test_a_missing_page_on_an_account_host_shows_the_account_to_visitors(alpha):
    response = client_on(alpha).get("/no-such-page/")

    assert response.status_code == 404
    assert "We can't find this page" in text(response)
    assert b"Alpha Studio" in response.content
    assert b'class="sidebar"' not in response.content


def test_a_missing_page_on_the_root_domain_is_the_products_404(root_client):
    response = root_client.get("/no-such-page/")

    assert response.status_code == 404
    assert "We can't find this page" in text(response)
    assert b'<a class="button" href="/">Back to the home page</a>' in response.content
    assert STYLESHEET in response.content


def test_an_unknown_host_offers_to_find_ones_account(accounts, db):
    client = client_on("nobody.localhost")

    response = client.get("/")

    assert response.status_code == 404
    assert b"There is no account at this address" in response.content
    assert b'href="http://localhost/sign-in/"' in response.content
    assert client.get("/static/css/app.css").status_code == 200  # the page keeps its look


def test_a_host_we_do_not_serve_gets_the_products_400(db):
    response = Client(HTTP_HOST="elsewhere.example").get("/")

    assert response.status_code == 400
    assert "We couldn't understand this request" in text(response)
    assert STYLESHEET in response.content


@pytest.mark.parametrize("urlconf", URLCONFS)
def test_the_500_page_needs_neither_database_nor_request_context(urlconf):
    # No database access is allowed in this test, and the bare request has no tenant or user.
    handler = get_resolver(urlconf).resolve_error_handler(500)

    response = handler(RequestFactory().get("/"))

    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"Try again" in response.content
    assert STYLESHEET in response.content


def test_a_form_sent_without_its_csrf_token_says_it_expired(alpha):
    client = Client(HTTP_HOST=alpha.host, enforce_csrf_checks=True)

    response = client.post(
        "/accounts/login/",
        {"username": alpha.owner_email, "password": PASSWORD},
        HTTP_REFERER=f"http://{alpha.host}/accounts/login/",
    )

    assert response.status_code == 403
    assert b"This form has expired" in response.content
    assert b'href="http://alpha.localhost/accounts/login/">Reload the page' in response.content


def test_an_expired_form_on_the_root_domain_offers_to_reload_it(root_client):
    client = Client(HTTP_HOST=settings.BASE_DOMAIN, enforce_csrf_checks=True)

    response = client.post("/sign-in/", {"subdomain": "alpha"})

    assert response.status_code == 403
    assert b"This form has expired" in response.content
    assert b'href="/sign-in/">Reload the page' in response.content
