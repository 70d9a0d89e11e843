"""Host → account routing is remembered between requests and forgotten the moment it changes."""

from __future__ import annotations

import copy
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing_saas.testing.fixtures import client_on, owner_of
from tenants import routing_cache
from tenants.models import Domain, Tenant

UNKNOWN = b"There is no account at this address"


@pytest.fixture
def another_process():
    """What a web process that routed requests before a change remembers, restored after it:
    only the version in Redis can tell that process its answers are outdated."""

    def before_the_change():
        remembered = copy.deepcopy(routing_cache._remembered)
        return lambda: routing_cache._remembered.update(remembered)

    return before_the_change


def reaches(host, tenant) -> bool:
    response = client_on(host, owner_of(tenant) if tenant else None).get("/")
    return response.status_code == 200 and tenant.name.encode() in response.content


def test_a_host_is_looked_up_once_then_remembered(alpha):
    client = client_on(alpha, owner_of(alpha))
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries.captured_queries if "tenants_domain" in q["sql"]]


def test_a_changed_domain_reaches_the_account_at_once_in_every_process(alpha, another_process):
    old_host = alpha.host
    new_host = f"renamed-{uuid.uuid4().hex[:6]}.localhost"
    assert reaches(old_host, alpha)
    assert client_on(new_host).get("/").status_code == 404
    process_before_the_change = another_process()

    domain = Domain.objects.get(domain=old_host)
    domain.domain = new_host
    domain.save()
    process_before_the_change()

    assert reaches(new_host, alpha)
    response = client_on(old_host).get("/")
    assert response.status_code == 404 and UNKNOWN in response.content


def test_a_deleted_domain_stops_reaching_the_account_at_once(alpha, another_process):
    assert reaches(alpha.host, alpha)
    process_before_the_change = another_process()

    Domain.objects.filter(domain=alpha.host).delete()
    process_before_the_change()

    assert client_on(alpha.host).get("/").status_code == 404


@pytest.mark.parametrize("how", ["save", "bulk update"])
def test_a_deactivated_account_answers_the_unknown_account_page_at_once(
    alpha, another_process, how
):
    client = client_on(alpha, owner_of(alpha))
    assert client.get("/").status_code == 200
    process_before_the_change = another_process()

    if how == "save":
        alpha.is_active = False
        alpha.save()
    else:
        Tenant.objects.filter(pk=alpha.pk).update(is_active=False)
    process_before_the_change()

    response = client.get("/")
    assert response.status_code == 404 and UNKNOWN in response.content


def test_a_renamed_account_shows_its_new_name_at_once(alpha, another_process):
    assert reaches(alpha.host, alpha)
    process_before_the_change = another_process()

    Tenant.objects.filter(pk=alpha.pk).update(name="Alpha Renamed Studio")
    process_before_the_change()

    assert reaches(alpha.host, Tenant.objects.get(pk=alpha.pk))


def test_with_redis_down_every_request_asks_the_database(alpha, settings, another_process):
    assert reaches(alpha.host, alpha)
    routing = dict(settings.CACHES["routing"], LOCATION="redis://127.0.0.1:1/0")
    settings.CACHES = {**settings.CACHES, "routing": routing}
    process_before_the_change = another_process()

    Tenant.objects.filter(pk=alpha.pk).update(is_active=False)  # Redis cannot be told
    process_before_the_change()  # a process that still remembers the account as active

    assert client_on(alpha.host).get("/").status_code == 404
