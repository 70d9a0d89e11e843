"""The dev outbox holds reset and invitation links: only an account's billing administrators
read it, the root domain's only the developer at the machine and superusers, and production
refuses to mount it."""

import pytest
from django.core.mail import send_mail
from django.test import Client
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member, owner_of
from billing_saas.tests.test_production_shape import start_django
from notifications.models import OutboxMessage
from tenants.members.models import Role, User

SECRET = "Reset link: http://alpha.localhost/accounts/password-reset/MQ/secret-token/"
PAGES = ["/dev/outbox/", "/dev/outbox/{pk}/", "/dev/outbox/{pk}/html/"]


@pytest.fixture(autouse=True)
def outbox_backend(settings):
    settings.EMAIL_BACKEND = "notifications.backends.OutboxEmailBackend"


def sent_in(schema_name) -> int:
    with schema_context(schema_name):
        send_mail("Reset your password", SECRET, "billing@localhost", ["mia@example.com"])
        return OutboxMessage.objects.get().pk


@pytest.mark.parametrize("page", PAGES)
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(alpha, page):
    path = page.format(pk=sent_in(alpha.schema_name))

    response = client_on(alpha).get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/dev/outbox/")


@pytest.mark.parametrize("page", PAGES)
def test_an_employee_is_refused(alpha, page):
    path = page.format(pk=sent_in(alpha.schema_name))
    employee = make_member(alpha, "eve@example.com", role=Role.EMPLOYEE)

    response = client_on(alpha, employee).get(path)

    assert response.status_code == 403
    assert b"secret-token" not in response.content


def test_a_billing_administrator_reads_the_outbox(alpha):
    pk = sent_in(alpha.schema_name)
    admin = make_member(alpha, "ada@example.com", role=Role.ADMIN_MANAGE_EMPLOYEES)

    listing = client_on(alpha, admin).get("/dev/outbox/")
    message = client_on(alpha, owner_of(alpha)).get(f"/dev/outbox/{pk}/")

    assert b"Reset your password" in listing.content
    assert b"secret-token" in message.content


def test_the_root_domains_outbox_is_for_this_machine_and_superusers(root_client):
    pk = sent_in("public")
    with schema_context("public"):
        root = User.objects.create_user("root@example.com", "x" * 12, is_superuser=True)
    superuser = Client(HTTP_HOST="localhost", REMOTE_ADDR="192.0.2.10")
    superuser.force_login(root)
    path = f"/dev/outbox/{pk}/"

    from_elsewhere = root_client.get(path, REMOTE_ADDR="192.0.2.10")
    through_a_proxy = root_client.get(path, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    at_the_machine = root_client.get(path, REMOTE_ADDR="127.0.0.1")  # make dev's developer
    shown = superuser.get(path)

    for refused in (from_elsewhere, through_a_proxy):
        assert refused.status_code == 403 and b"secret-token" not in refused.content
    assert at_the_machine.status_code == 200 and b"secret-token" in at_the_machine.content
    assert shown.status_code == 200 and b"secret-token" in shown.content


def test_an_accounts_outbox_is_not_opened_by_coming_from_the_machine(alpha):
    pk = sent_in(alpha.schema_name)

    response = client_on(alpha).get(f"/dev/outbox/{pk}/", REMOTE_ADDR="127.0.0.1")

    assert response.status_code == 302 and b"secret-token" not in response.content


def test_production_refuses_to_start_with_the_dev_outbox():
    result = start_django(DEV_OUTBOX="1")

    assert result.returncode != 0
    assert "DEV_OUTBOX must be off in production" in result.stderr
