"""One account never sees another's pages, objects or sessions."""

import uuid

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django_tenants.utils import get_public_schema_name, schema_context

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


# The cache: every key carries the schema's name (settings CACHES KEY_FUNCTION).
def cached_in(schema_name: str, key: str):
    with schema_context(schema_name):
        return cache.get(key)


@pytest.fixture
def cache_key(alpha, beta):
    key = f"isolation-probe:{uuid.uuid4().hex}"
    yield key
    for schema_name in (alpha.schema_name, beta.schema_name, get_public_schema_name()):
        with schema_context(schema_name):
            cache.delete(key)


def test_a_cache_entry_of_one_account_is_invisible_to_another(alpha, beta, cache_key):
    with schema_context(alpha.schema_name):
        cache.set(cache_key, "alpha's", 60)

    assert cached_in(beta.schema_name, cache_key) is None
    assert cached_in(get_public_schema_name(), cache_key) is None
    with schema_context(beta.schema_name):
        cache.set(cache_key, "beta's", 60)
    assert cached_in(alpha.schema_name, cache_key) == "alpha's"
    assert cached_in(beta.schema_name, cache_key) == "beta's"


def test_a_cached_fragment_of_one_account_is_never_shown_to_another(alpha, beta, cache_key):
    """The product caches no page today; a ``{% cache %}`` fragment (keyed by name, not by
    host) is where one account's page would reach another's without the schema in the key."""
    fragment = Template("{% load cache %}{% cache 60 isolation key %}{{ who }}{% endcache %}")

    for tenant in (alpha, beta, alpha):
        with schema_context(tenant.schema_name):
            shown = fragment.render(Context({"who": tenant.name, "key": cache_key}))
        assert shown == tenant.name


def test_a_rate_limit_counter_of_one_account_does_not_count_for_another(alpha, beta, settings):
    """QuickBooks call slots are counted per company in the account's own keys."""
    from connectors.quickbooks.client import company_slot

    settings.QUICKBOOKS_MAX_CONCURRENT = 1
    realm = f"realm-{uuid.uuid4().hex}"
    busy = f"qbo:busy:{realm}"
    with schema_context(alpha.schema_name), company_slot(realm):
        assert cached_in(alpha.schema_name, busy) == 1
        assert cached_in(beta.schema_name, busy) is None
        with schema_context(beta.schema_name), company_slot(realm):
            assert cached_in(beta.schema_name, busy) == 1
            assert cached_in(alpha.schema_name, busy) == 1


def test_find_my_account_counters_live_under_the_public_keys_whatever_the_schema(
    alpha, beta, cache_key
):
    """The root domain's limiter counts per address for everyone: an account's own keys (or
    clearing them) neither see nor reset it."""
    from tenants.account_links import _within_limit

    with schema_context(alpha.schema_name):
        assert [_within_limit(cache_key, 2) for _ in range(2)] == [True, True]
    with schema_context(beta.schema_name):
        assert _within_limit(cache_key, 2) is False
    assert cached_in(alpha.schema_name, cache_key) is None
    assert cached_in(get_public_schema_name(), cache_key) == 3
