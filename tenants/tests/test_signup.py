"""Signing up on the root domain creates a whole account, or nothing at all."""

import re
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.database import schemas_holding
from billing_saas.testing.fixtures import PASSWORD, client_on
from tenants.members.models import LoginHandoff, Role, User
from tenants.models import Domain, Tenant

WELCOME_URL = re.compile(
    r"^http://(?P<host>[a-z0-9-]+\.localhost)(?P<path>/accounts/welcome/[^/]+/)$"
)


def unique_slug(prefix: str = "acme") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def signup_data(slug: str, **overrides) -> dict:
    data = {
        "company_name": "Acme Plumbing",
        "subdomain": slug,
        "owner_name": "Ada Lovelace",
        "email": f"ada@{slug}.example",
        "password": PASSWORD,
    }
    data.update(overrides)
    return data


def schema_exists(schema_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [schema_name]
        )
        return cursor.fetchone() is not None


def assert_nothing_created(response, slug: str, tenant_count: int) -> None:
    assert response.status_code == 400
    assert Tenant.objects.count() == tenant_count
    assert not Domain.objects.filter(domain=f"{slug}.localhost").exists()
    assert not schema_exists("t_" + slug.replace("-", "_"))


def sign_up(root_client, slug: str, **overrides):
    response = root_client.post("/signup/", signup_data(slug, **overrides))
    assert response.status_code == 302, response.content.decode()
    match = WELCOME_URL.match(response["Location"])
    assert match, response["Location"]
    return match["host"], match["path"]


def test_signup_page_shows_the_form(root_client):
    response = root_client.get("/signup/")

    assert response.status_code == 200
    assert b"Create your account" in response.content


def test_signup_creates_the_account_its_domain_and_its_owner(root_client):
    slug = unique_slug()

    response = root_client.post("/signup/", signup_data(slug))

    assert response.status_code == 302
    assert WELCOME_URL.match(response["Location"])["host"] == f"{slug}.localhost"
    tenant = Tenant.objects.get(slug=slug)
    assert tenant.name == "Acme Plumbing"
    assert tenant.schema_name == "t_" + slug.replace("-", "_")
    assert tenant.owner_email == f"ada@{slug}.example"
    assert Domain.objects.get(tenant=tenant).domain == f"{slug}.localhost"
    assert schema_exists(tenant.schema_name)
    with schema_context(tenant.schema_name):
        owner = User.objects.get()
        assert owner.email == f"ada@{slug}.example"
        assert owner.full_name == "Ada Lovelace"
        assert owner.role == Role.ACCOUNT_OWNER
        assert owner.check_password(PASSWORD)


def test_the_new_owner_exists_only_in_the_new_accounts_schema(root_client, alpha):
    slug = unique_slug()

    sign_up(root_client, slug)

    holding = schemas_holding(User, email=f"ada@{slug}.example")
    assert holding == ["t_" + slug.replace("-", "_")]


def test_an_uppercase_subdomain_is_lowercased_not_refused(root_client):
    slug = unique_slug()

    host, _path = sign_up(root_client, slug.upper().replace("ACME", "Acme"))

    assert host == f"{slug}.localhost"
    assert Tenant.objects.filter(slug=slug).exists()


def test_the_welcome_link_signs_the_owner_in_on_the_new_host(root_client):
    slug = unique_slug()
    host, path = sign_up(root_client, slug)
    client = client_on(host)

    response = client.get(path, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    assert b"Hello, Ada Lovelace" in response.content
    assert b"Welcome to Acme Plumbing!" in response.content
    assert client.get("/").status_code == 200


def test_the_welcome_link_works_only_once(root_client):
    slug = unique_slug()
    host, path = sign_up(root_client, slug)
    client_on(host).get(path)

    response = client_on(host).get(path, follow=True)

    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert b"That sign-in link has expired" in response.content
    assert b"Hello, Ada Lovelace" not in response.content


def test_the_welcome_link_does_not_work_on_another_accounts_host(root_client, beta):
    slug = unique_slug()
    host, path = sign_up(root_client, slug)
    on_beta = client_on(beta)

    response = on_beta.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert on_beta.get("/")["Location"].startswith("/accounts/login/")
    # Refused elsewhere, the link still works where it belongs.
    assert client_on(host).get(path)["Location"] == "/"


def test_an_expired_welcome_link_sends_the_owner_to_sign_in(root_client):
    slug = unique_slug()
    host, path = sign_up(root_client, slug)
    with schema_context("t_" + slug.replace("-", "_")):
        LoginHandoff.objects.update(expires_at=timezone.now())

    response = client_on(host).get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "subdomain",
    ["acme_co", "ab", "1acme", "acme-", "-acme", "ac--me", "acmé", "acme.co", "a" * 41],
)
def test_an_invalid_subdomain_is_refused_and_creates_nothing(root_client, subdomain):
    count = Tenant.objects.count()

    response = root_client.post("/signup/", signup_data(unique_slug(), subdomain=subdomain))

    assert_nothing_created(response, subdomain.lower(), count)
    assert Tenant.objects.filter(slug=subdomain).count() == 0
    text = response.content.decode()
    assert "Use 3 to 40 lowercase letters" in text or "at most 40 characters" in text


@pytest.mark.parametrize("subdomain", ["admin", "www", "api", "stripe"])
def test_a_reserved_subdomain_is_refused_and_creates_nothing(root_client, subdomain):
    count = Tenant.objects.count()

    response = root_client.post("/signup/", signup_data(unique_slug(), subdomain=subdomain))

    assert_nothing_created(response, subdomain, count)
    assert f"“{subdomain}” is reserved" in response.content.decode()


def test_a_taken_subdomain_is_refused_and_creates_nothing(root_client, alpha):
    count = Tenant.objects.count()

    response = root_client.post("/signup/", signup_data("alpha", email="someone@new.example"))

    assert response.status_code == 400
    assert b"This subdomain is already taken." in response.content
    assert Tenant.objects.count() == count
    assert Tenant.objects.get(slug="alpha").owner_email == "owner@alpha.example"


@pytest.mark.parametrize("email", ["owner@alpha.example", "Owner@Alpha.Example"])
def test_an_email_that_already_owns_an_account_is_refused(root_client, alpha, email):
    slug = unique_slug()
    count = Tenant.objects.count()

    response = root_client.post("/signup/", signup_data(slug, email=email))

    assert_nothing_created(response, slug, count)
    assert b"An account already uses this email. Sign in to it instead." in response.content


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Xy7#kq", "This password is too short. It must contain at least 10 characters."),
        ("password123", "This password is too common."),
        ("8405719362", "This password is entirely numeric."),
    ],
)
def test_a_weak_password_is_refused_and_creates_nothing(root_client, password, message):
    slug = unique_slug()
    count = Tenant.objects.count()

    response = root_client.post("/signup/", signup_data(slug, password=password))

    assert_nothing_created(response, slug, count)
    assert message in response.content.decode()


def test_a_password_like_the_email_is_refused_and_creates_nothing(root_client):
    slug = unique_slug()
    count = Tenant.objects.count()

    response = root_client.post("/signup/", signup_data(slug, password=f"ada@{slug}.example"))

    assert_nothing_created(response, slug, count)
    assert "The password is too similar to the email." in response.content.decode()


def test_every_problem_is_shown_at_once(root_client, alpha):
    count = Tenant.objects.count()

    response = root_client.post(
        "/signup/", signup_data("alpha", email="owner@alpha.example", password="123")
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "This subdomain is already taken." in text
    assert "An account already uses this email." in text
    assert "This password is too short." in text
    assert Tenant.objects.count() == count


def test_missing_fields_are_refused_and_create_nothing(root_client):
    count = Tenant.objects.count()

    response = root_client.post("/signup/", {"subdomain": unique_slug()})

    assert response.status_code == 400
    assert b"This field is required." in response.content
    assert Tenant.objects.count() == count


def test_find_account_sends_you_to_your_accounts_sign_in_page(root_client, alpha):
    response = root_client.post("/sign-in/", {"subdomain": " Alpha "})

    assert response.status_code == 302
    assert response["Location"] == "http://alpha.localhost/accounts/login/"


def test_find_account_says_when_no_account_uses_the_subdomain(root_client):
    response = root_client.post("/sign-in/", {"subdomain": unique_slug("nobody")})

    assert response.status_code == 200
    assert b"No account uses this subdomain." in response.content


def test_find_account_refuses_a_malformed_subdomain(root_client):
    response = root_client.post("/sign-in/", {"subdomain": "no_such thing"})

    assert response.status_code == 200
    assert b"Use 3 to 40 lowercase letters" in response.content


def test_find_account_does_not_lead_to_a_deactivated_account(root_client):
    slug = unique_slug()
    sign_up(root_client, slug)
    Tenant.objects.filter(slug=slug).update(is_active=False)

    response = root_client.post("/sign-in/", {"subdomain": slug})

    assert response.status_code == 200
    assert b"No account uses this subdomain." in response.content
