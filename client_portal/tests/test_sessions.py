"""Portal sessions: their own cookie, one client of one account, an end."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from client_portal import sessions
from client_portal.models import PortalSession
from client_portal.tests.conftest import browser, make_client, make_invoice, signed_in


def test_a_signed_in_client_sees_its_invoices_page(alpha):
    ana = make_client(alpha)
    make_invoice(alpha, ana, number="INV-00042")

    response = signed_in(alpha, ana).get("/portal/invoices/")

    assert response.status_code == 200
    assert "INV-00042" in response.content.decode()
    assert "Ana Client" in response.content.decode()


def test_without_a_portal_cookie_every_page_sends_to_the_sign_in_page(alpha):
    ana = make_client(alpha)
    item = make_invoice(alpha, ana)

    for url in ("/portal/", "/portal/invoices/", f"/portal/invoices/{item.pk}/"):
        response = browser(alpha).get(url)
        assert response.status_code == 302
        assert response["Location"] == "/portal/sign-in/"


def test_the_cookie_is_http_only_host_only_and_limited_to_the_portal(alpha, settings):
    settings.SESSION_COOKIE_SECURE = True
    ana = make_client(alpha)
    with schema_context(alpha.schema_name):
        from client_portal.links import new_link

        token = new_link(ana, "/portal/invoices/", valid_for=timedelta(days=1))

    response = browser(alpha).get(f"/portal/open/{token}/")

    cookie = response.cookies[sessions.COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/portal/"
    assert cookie["domain"] == ""
    assert "sessionid" not in response.cookies  # Django's session is not used
    with schema_context(alpha.schema_name):
        stored = PortalSession.objects.get()
    assert cookie.value not in stored.key_hash and len(stored.key_hash) == 64


def test_an_expired_session_is_not_accepted(alpha):
    ana = make_client(alpha)
    page = signed_in(alpha, ana)
    with schema_context(alpha.schema_name):
        PortalSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert page.get("/portal/invoices/")["Location"] == "/portal/sign-in/"


def test_signing_out_ends_the_session_for_good(alpha):
    ana = make_client(alpha)
    page = signed_in(alpha, ana)
    key = page.cookies[sessions.COOKIE_NAME].value

    response = page.post("/portal/sign-out/")

    assert response["Location"] == "/portal/sign-in/"
    assert response.cookies[sessions.COOKIE_NAME].value == ""
    with schema_context(alpha.schema_name):
        assert PortalSession.objects.get().ended_at is not None
    replayed = browser(alpha)
    replayed.cookies[sessions.COOKIE_NAME] = key  # a copy of the cookie kept elsewhere
    assert replayed.get("/portal/invoices/")["Location"] == "/portal/sign-in/"


def test_a_staff_session_signs_no_one_into_the_portal(alpha):
    ana = make_client(alpha)
    make_invoice(alpha, ana)
    staff = client_on(alpha, owner_of(alpha))

    response = staff.get("/portal/invoices/")

    assert response.status_code == 302
    assert response["Location"] == "/portal/sign-in/"


def test_a_portal_cookie_opens_no_staff_page(alpha):
    ana = make_client(alpha)
    page = signed_in(alpha, ana)

    for url in ("/billing/", "/billing/clients/", "/"):
        response = page.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_a_session_of_one_account_is_not_accepted_by_another(alpha, beta):
    ana = make_client(alpha)
    alpha_page = signed_in(alpha, ana)
    on_beta = browser(beta)
    on_beta.cookies[sessions.COOKIE_NAME] = alpha_page.cookies[sessions.COOKIE_NAME].value

    assert on_beta.get("/portal/invoices/")["Location"] == "/portal/sign-in/"


def test_pages_are_in_the_clients_language(alpha):
    ana = make_client(alpha, language="fr")

    response = signed_in(alpha, ana).get("/portal/invoices/")

    assert '<html lang="fr">' in response.content.decode()
