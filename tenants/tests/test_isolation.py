"""One account never sees another's pages, objects or sessions."""

from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member, owner_of
from tenants.members.models import User


def test_unknown_host_gets_a_clear_404_page(accounts, db):
    response = client_on("nobody.localhost").get("/")
    assert response.status_code == 404
    assert b"There is no account at this address" in response.content


def test_each_account_sees_only_its_own_members(alpha, beta):
    make_member(alpha, "only-in-alpha@example.com")
    with schema_context(beta.schema_name):
        assert not User.objects.filter(email="only-in-alpha@example.com").exists()
    with schema_context(alpha.schema_name):
        assert User.objects.filter(email="only-in-alpha@example.com").exists()


def test_a_user_of_alpha_cannot_sign_in_on_beta(alpha, beta):
    owner = owner_of(alpha)
    response = client_on(beta).post(
        "/accounts/login/", {"username": owner.email, "password": "correct-horse-battery-9"}
    )
    assert response.status_code == 200
    assert b"Please try again" in response.content


def test_a_session_cookie_of_alpha_is_not_accepted_on_beta(alpha, beta):
    alpha_client = client_on(alpha, owner_of(alpha))
    assert alpha_client.get("/").status_code == 200
    stolen = alpha_client.cookies["sessionid"].value

    beta_client = client_on(beta)
    beta_client.cookies["sessionid"] = stolen
    response = beta_client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_object_id_of_beta_is_404_on_alpha(alpha, beta):
    """Ids repeat between schemas; an id that exists only in beta must not resolve on alpha."""
    with schema_context(alpha.schema_name):
        alpha_ids = set(User.objects.values_list("pk", flat=True))
    beta_member = make_member(beta, "beta-only@example.com")
    counter = 0
    while beta_member.pk in alpha_ids:
        counter += 1
        beta_member = make_member(beta, f"beta-only-{counter}@example.com")

    response = client_on(alpha, owner_of(alpha)).post(
        f"/accounts/employees/{beta_member.pk}/deactivate/"
    )

    assert response.status_code == 404
    with schema_context(beta.schema_name):
        assert User.objects.get(pk=beta_member.pk).is_active
