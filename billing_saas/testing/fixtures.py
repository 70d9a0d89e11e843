"""Fixtures and helpers shared by every test: two accounts, members, clients on their hosts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenants.members.models import Role, User
from tenants.models import Tenant
from tenants.services import NewAccount, create_account, ensure_public_tenant

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(scope="session")
def accounts(django_db_setup, django_db_blocker) -> Iterator[dict[str, Tenant]]:
    """Two accounts (alpha, beta), each with an owner, committed once for the whole run."""
    with django_db_blocker.unblock():
        ensure_public_tenant()
        created = {}
        for slug in ("alpha", "beta"):
            tenant = Tenant.objects.filter(slug=slug).first()
            if tenant is None:
                tenant, _ = create_account(
                    NewAccount(
                        f"{slug.title()} Studio",
                        slug,
                        f"{slug.title()} Owner",
                        f"owner@{slug}.example",
                        PASSWORD,
                    )
                )
            created[slug] = tenant
        connection.set_schema_to_public()
    yield created
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        # Servers and workers started by tests may leave sessions PostgreSQL has not ended
        # yet; end them so the test database can be dropped.
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def alpha(accounts, db) -> Tenant:
    return accounts["alpha"]


@pytest.fixture
def beta(accounts, db) -> Tenant:
    return accounts["beta"]


@pytest.fixture(autouse=True)
def back_to_public_schema():
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the accounts (and so their cache keys) are the
    same from test to test, but what one test cached describes rows it rolled back."""
    from django.core.cache import cache

    from connectors import inbox
    from payment_requests import live

    cache.clear()
    live.forget_recent()
    inbox.forget_flags_seen()


@pytest.fixture(autouse=True)
def routing_forgotten():
    """Each test routes hosts afresh: what this process remembered may name rolled-back rows."""
    from tenants.routing_cache import forget

    forget()


@pytest.fixture(autouse=True)
def emails_sent_by_the_worker_at_once(monkeypatch):
    """A request's emails queued for a worker (``send_email``, ``deliver_message``) are sent at
    once, as by a worker with nothing else to do, so tests see them in ``mailoutbox`` right
    after the change commits."""
    from notifications import delivery
    from notifications.tasks import deliver_message
    from payment_requests.tasks import send_email

    monkeypatch.setattr(send_email, "delay", lambda *args: send_email.apply(args))
    # Each message's first attempt too (its retries, queued with a countdown, stay queued),
    # and as soon as it is recorded: a test runs inside one transaction that never commits.
    # notifications/tests/test_delivery.py checks the real path, after the commit only.
    monkeypatch.setattr(deliver_message, "delay", lambda *args: deliver_message.apply(args))
    monkeypatch.setattr(delivery, "deliver_after_commit", delivery.queue)


@pytest.fixture(autouse=True)
def pdfs_rendered_by_the_worker_at_once(monkeypatch):
    """A document's PDF queued for the worker (``render_document_pdf``) is rendered at once,
    so a download finds it without the "being prepared" page (tested on its own)."""
    from payment_requests.tasks import render_document_pdf

    monkeypatch.setattr(render_document_pdf, "delay", lambda *args: render_document_pdf.apply(args))


def owner_of(tenant: Tenant) -> User:
    with schema_context(tenant.schema_name):
        return User.objects.get(email=tenant.owner_email)


def make_member(tenant: Tenant, email: str, role: str = Role.EMPLOYEE, **extra) -> User:
    with schema_context(tenant.schema_name):
        return User.objects.create_user(
            email,
            PASSWORD,
            full_name=extra.pop("full_name", email.split("@")[0].title()),
            role=role,
            **extra,
        )


def committed_account(
    django_db_blocker, prefix: str, company: str, owner_name: str, *, client_billing: bool = True
) -> Tenant:
    """A new account (slug ``<prefix><random>``, owner ``owner@<slug>.example``), committed so
    that processes started by tests (the browser tests' server) see it; Client Billing installed
    unless told otherwise. For module-scoped fixtures, outside the tests' transactions."""
    import uuid

    slug = f"{prefix}{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        tenant, _owner = create_account(
            NewAccount(company, slug, owner_name, f"owner@{slug}.example", PASSWORD)
        )
        if client_billing:
            install_client_billing(tenant)
        connection.set_schema_to_public()
    return tenant


def install_client_billing(tenant: Tenant) -> None:
    """Client Billing as installed from the catalog (the wizard itself is tested there)."""
    from solutions.models import Installation

    with schema_context(tenant.schema_name):
        Installation.objects.update_or_create(
            solution="client-billing", defaults={"status": Installation.Status.INSTALLED}
        )


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


def database_url_for_processes() -> str:
    """The URL of the test database, for server and worker processes started by tests."""
    import urllib.parse

    settings_dict = connection.settings_dict
    host = urllib.parse.quote(settings_dict["HOST"], safe="")
    return (
        f"postgresql://{settings_dict['USER']}@{host}:{settings_dict['PORT']}"
        f"/{settings_dict['NAME']}"
    )


@pytest.fixture
def running_worker(accounts, django_db_blocker):
    """A real Celery worker process on the test database and the test run's Redis.

    It sees committed rows only (the session accounts), like a production worker.
    """
    with celery_worker(django_db_blocker) as process:
        yield process


@contextmanager
def celery_worker(django_db_blocker, *, env: dict | None = None, concurrency: int = 1,
                  queue: str = ""):  # fmt: skip
    """Start a worker process (``env`` added to ours; with ``concurrency`` > 1, that many
    prefork child processes taking tasks at the same time), stop it at the end. With
    ``queue``, it takes only the tasks sent to that queue (``apply_async(queue=…)``): no
    other worker of the run (the browser tests' one) can take them from it."""
    import os
    import subprocess
    import sys
    import time
    import uuid
    from pathlib import Path

    from billing_saas.celery import app

    name = f"test-worker-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        database_url = database_url_for_processes()
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1", **(env or {})}
    pool = ["--pool", "solo"] if concurrency == 1 else ["--concurrency", str(concurrency)]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "billing_saas",
            "worker",
            *pool,
            "--hostname",
            f"{name}@%h",
            "--loglevel",
            "WARNING",
            "--without-mingle",
            "--without-gossip",
            *(["--queues", queue] if queue else []),
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
    )
    deadline = time.monotonic() + 60
    while not any(name in node for reply in app.control.ping(timeout=0.5) for node in reply):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the test Celery worker did not start")
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
