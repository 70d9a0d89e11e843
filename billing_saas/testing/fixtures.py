"""Fixtures and helpers shared by every test: two accounts, their members, clients on their hosts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenants.members.models import Role, User
from tenants.models import Tenant
from tenants.services import NewAccount, create_account, ensure_public_tenant

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(scope="session")
def accounts(django_db_setup, django_db_blocker) -> dict[str, Tenant]:
    """Two accounts (alpha, beta), each with an owner, committed once for the whole run."""
    with django_db_blocker.unblock():
        ensure_public_tenant()
        created = {}
        for slug in ("alpha", "beta"):
            tenant = Tenant.objects.filter(slug=slug).first()
            if tenant is None:
                tenant, _ = create_account(NewAccount(
                    f"{slug.title()} Studio", slug, f"{slug.title()} Owner",
                    f"owner@{slug}.example", PASSWORD))
            created[slug] = tenant
        connection.set_schema_to_public()
    return created


@pytest.fixture
def alpha(accounts, db) -> Tenant:
    return accounts["alpha"]


@pytest.fixture
def beta(accounts, db) -> Tenant:
    return accounts["beta"]


@pytest.fixture(autouse=True)
def _back_to_public_schema():
    yield
    connection.set_schema_to_public()


def owner_of(tenant: Tenant) -> User:
    with schema_context(tenant.schema_name):
        return User.objects.get(email=tenant.owner_email)


def make_member(tenant: Tenant, email: str, role: str = Role.EMPLOYEE, **extra) -> User:
    with schema_context(tenant.schema_name):
        return User.objects.create_user(email, PASSWORD, full_name=extra.pop("full_name", email.split("@")[0].title()), role=role, **extra)


def client_on(tenant_or_host, user: User | None = None) -> Client:
    """A test client whose requests reach ``tenant_or_host``, logged in as ``user`` if given."""
    host = tenant_or_host if isinstance(tenant_or_host, str) else tenant_or_host.host
    client = Client(HTTP_HOST=host)
    if user is not None:
        response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
        assert response.status_code == 302, "test login failed"
    return client


@pytest.fixture
def root_client(accounts, db) -> Client:
    from django.conf import settings

    return Client(HTTP_HOST=settings.BASE_DOMAIN)


@pytest.fixture
def running_worker(transactional_db_free):
    """A real Celery worker (in a thread) consuming from the test run's Redis."""
    from celery.contrib.testing.worker import start_worker

    from billing_saas.celery import app

    with start_worker(app, perform_ping_check=False, shutdown_timeout=20) as worker:
        yield worker


@pytest.fixture
def transactional_db_free(accounts, django_db_blocker):
    """Database access for threads (such as a worker) that read committed rows only."""
    with django_db_blocker.unblock():
        yield
