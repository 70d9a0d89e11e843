"""The email settings page: billing administrators choose how the account's emails leave, the
password is never shown again, and "Send a test email" says what the server answered."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member, owner_of
from notifications.models import EmailSending
from notifications.tests.smtp_server import PASSWORD, REFUSED, USER, free_port, smtp_server
from notifications.tests.test_custom_smtp import use_custom_smtp
from tenants.members.models import Role

__all__ = ["smtp_server"]  # the fixture, used by name

PAGE, TEST = "/settings/email/", "/settings/email/test/"


def form(server, **extra) -> dict:
    return {
        "mode": "custom",
        "host": server.host,
        "port": str(server.port),
        "security": "starttls",
        "username": USER,
        "password": PASSWORD,
        "from_address": "invoices@alpha.example",
        "reply_to": "accounts@alpha.example",
        **extra,
    }


def saved(tenant) -> EmailSending:
    with schema_context(tenant.schema_name):
        return EmailSending.current()


def flash(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_an_administrator_saves_custom_smtp_and_the_password_is_never_shown(alpha, smtp_server):
    owner = client_on(alpha, owner_of(alpha))

    response = owner.post(PAGE, form(smtp_server))
    page = owner.get(PAGE).content.decode()

    assert response.status_code == 302
    sending = saved(alpha)
    assert (sending.mode, sending.host, sending.port) == ("custom", "localhost", smtp_server.port)
    assert sending.password == PASSWORD
    assert PASSWORD not in page and sending.encrypted_password not in page
    assert "Leave empty to keep the current password." in page


def test_a_form_sent_back_with_an_error_does_not_echo_the_password(alpha, smtp_server):
    owner = client_on(alpha, owner_of(alpha))

    response = owner.post(PAGE, form(smtp_server, from_address=""))

    assert response.status_code == 200
    assert PASSWORD not in response.content.decode()


def test_leaving_the_password_empty_keeps_it(alpha, smtp_server):
    owner = client_on(alpha, owner_of(alpha))
    owner.post(PAGE, form(smtp_server))

    owner.post(PAGE, form(smtp_server, password="", reply_to="help@alpha.example"))

    assert saved(alpha).reply_to == "help@alpha.example"
    assert saved(alpha).password == PASSWORD


def test_custom_smtp_needs_a_host_and_a_from_address(alpha, smtp_server):
    owner = client_on(alpha, owner_of(alpha))

    response = owner.post(PAGE, form(smtp_server, host="", from_address=""))

    assert response.status_code == 200
    assert "Enter your SMTP server&#x27;s host." in response.content.decode()
    assert saved(alpha).mode == "default"


@pytest.mark.parametrize("host", ["127.0.0.1", "10.0.0.7", "169.254.169.254"])
def test_production_refuses_to_save_a_host_inside_our_network(alpha, smtp_server, settings, host):
    settings.PRODUCTION = True
    owner = client_on(alpha, owner_of(alpha))

    response = owner.post(PAGE, form(smtp_server, host=host))

    assert response.status_code == 200
    assert "points to a private or local address" in response.content.decode()
    assert saved(alpha).host == ""


def test_the_setting_lets_production_save_a_private_relay(alpha, smtp_server, settings):
    settings.PRODUCTION = True
    settings.EMAIL_ALLOW_PRIVATE_SMTP_HOSTS = True

    client_on(alpha, owner_of(alpha)).post(PAGE, form(smtp_server, host="10.0.0.7"))

    assert saved(alpha).host == "10.0.0.7"


@pytest.mark.parametrize("path", [PAGE, TEST])
def test_an_employee_is_refused(alpha, smtp_server, path):
    employee = make_member(alpha, "eve@example.com", role=Role.EMPLOYEE)

    response = client_on(alpha, employee).post(path, form(smtp_server))

    assert response.status_code == 403
    assert saved(alpha).mode == "default" and smtp_server.received == []


def test_the_client_billing_settings_page_links_here(alpha):
    from billing_saas.testing.fixtures import install_client_billing

    install_client_billing(alpha)

    page = client_on(alpha, owner_of(alpha)).get("/billing/settings/").content.decode()

    assert f'href="{PAGE}"' in page


# ---- Send a test email --------------------------------------------------------------------
def press_test(tenant):
    return client_on(tenant, owner_of(tenant)).post(TEST, follow=True)


def test_the_test_email_reaches_the_administrator_through_the_server(alpha, smtp_server):
    use_custom_smtp(alpha, smtp_server)

    response = press_test(alpha)

    owner_email = owner_of(alpha).email
    assert f"The server accepted the test email for {owner_email}." in flash(response)
    (received,) = smtp_server.received
    assert received.recipients == [owner_email]


@pytest.mark.parametrize(
    "setup, words",
    [
        ({"password": "wrong"}, "The server refused the user name or password: 535"),
        ({"port": "closed"}, "The server could not be reached"),
    ],
    ids=["wrong password", "unreachable"],
)
def test_the_test_email_reports_a_failure_in_plain_words(alpha, smtp_server, setup, words):
    if setup.get("port") == "closed":
        setup = {"port": free_port()}
    use_custom_smtp(alpha, smtp_server, **setup)

    response = press_test(alpha)

    assert words in flash(response)
    assert smtp_server.received == []


def test_the_test_email_reports_a_refused_recipient_with_the_servers_answer(alpha, smtp_server):
    use_custom_smtp(alpha, smtp_server)
    admin = make_member(alpha, REFUSED, role=Role.ADMIN_MANAGE_EMPLOYEES)

    response = client_on(alpha, admin).post(TEST, follow=True)

    assert (
        "The server refused the recipient: nobody@refused.example: 550 5.1.1 "
        "<nobody@refused.example>: Recipient address rejected"
    ) in flash(response)


def test_the_test_email_reports_an_untrusted_certificate(alpha, smtp_server, monkeypatch):
    use_custom_smtp(alpha, smtp_server)
    monkeypatch.delenv("SSL_CERT_FILE")  # the self-signed certificate is trusted no more

    response = press_test(alpha)

    assert "The server's certificate could not be trusted" in flash(response)
    assert PASSWORD not in response.content.decode()


def test_the_test_email_reports_a_host_refused_in_production(alpha, smtp_server, settings):
    use_custom_smtp(alpha, smtp_server)
    settings.PRODUCTION = True

    response = press_test(alpha)

    assert "points to a private or local address (127.0.0.1)" in flash(response)
