"""`SET search_path` once per request or task, never a stale one (TENANT_LIMIT_SET_CALLS).

django-tenants remembers the path it set on a connection and skips the next `SET`. A `SET`
issued inside a transaction that rolls back is undone by PostgreSQL, and a persistent
connection carries that state to the next request or task: the next query must still run
in the schema the code is in, never in the one the rollback went back to.
"""

from __future__ import annotations

from contextlib import nullcontext

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from billing_saas.testing.threads import in_thread
from tenants.members.models import Role, User
from tenants.tasks import ping_account


class Refused(Exception):
    pass


def owners_here() -> list[str]:
    return list(User.objects.filter(role=Role.ACCOUNT_OWNER).values_list("email", flat=True))


def switch_and_fail(schema_name: str, *, savepoint: bool) -> None:
    """A transaction (a savepoint, if one is open) that switches to ``schema_name`` the way
    django-tenants' migrations do (``set_schema``, not undone afterwards), queries there, and
    rolls back: PostgreSQL undoes the `SET`, the connection still names ``schema_name``."""
    assert connection.in_atomic_block == savepoint

    def refused_work():
        with transaction.atomic():
            connection.set_schema(schema_name)
            owners_here()  # the `SET search_path` happens here, inside
            raise Refused

    with pytest.raises(Refused):
        refused_work()


def test_the_settings_keep_connections_and_set_the_search_path_once():
    assert settings.TENANT_LIMIT_SET_CALLS is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize("savepoint", [False, True], ids=["rollback", "savepoint-rollback"])
def test_after_a_rolled_back_transaction_the_next_query_reads_its_own_account(
    alpha, beta, savepoint
):
    def work():
        with transaction.atomic() if savepoint else nullcontext():
            with schema_context(alpha.schema_name):
                owners_here()  # the connection's search_path is alpha's
                switch_and_fail(beta.schema_name, savepoint=savepoint)
                assert connection.schema_name == beta.schema_name
                return owners_here()

    assert in_thread(work) == [beta.owner_email]


def test_a_tenant_task_on_a_reused_connection_reads_its_own_account(alpha, beta):
    def work():
        with schema_context(alpha.schema_name):
            owners_here()
            switch_and_fail(beta.schema_name, savepoint=False)
            answers = [ping_account.apply(args=[alpha.schema_name]).get()["owners"]]
            switch_and_fail(alpha.schema_name, savepoint=False)
            answers.append(ping_account.apply(args=[beta.schema_name]).get()["owners"])
            return answers

    assert in_thread(work) == [[alpha.owner_email], [beta.owner_email]]


def test_a_request_sets_the_search_path_once(alpha):
    client = client_on(alpha, owner_of(alpha))
    client.get("/")  # the host is looked up and remembered
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) > 2
    assert sum(sql.startswith("SET search_path") for sql in statements) == 1


def at_a_requests_start(tenant) -> None:
    """What a server does before each request on a kept connection: its health is due for a
    check before the next query (``close_old_connections``), and the account is set."""
    connection.close_if_unusable_or_obsolete()
    connection.set_tenant(tenant)


def sent_to_the_server(monkeypatch) -> list[str]:
    """Every statement sent, those Django does not log too (its health check's)."""
    sent: list[str] = []
    execute = psycopg.ClientCursor.execute

    def logged(cursor, query, *args, **kwargs):
        sent.append(str(query))
        return execute(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.ClientCursor, "execute", logged)
    return sent


def test_the_health_check_of_a_request_is_its_set_search_path(alpha, beta, monkeypatch):
    """billing_saas/postgresql: one round trip, not a ``SELECT 1`` and then the ``SET``."""
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"]

    def work():
        with schema_context(alpha.schema_name):
            owners_here()
        at_a_requests_start(beta)
        sent = sent_to_the_server(monkeypatch)
        return owners_here(), sent

    owners, sent = in_thread(work)
    assert owners == [beta.owner_email]
    assert len(sent) == 2
    assert sent[0] == f'SET search_path = "{beta.schema_name}","public"'


def test_a_connection_that_died_between_requests_is_replaced(alpha, beta):
    def work():
        with schema_context(alpha.schema_name):
            owners_here()
        other = connection.get_new_connection(connection.get_connection_params())
        other.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
        other.close()
        at_a_requests_start(beta)
        return owners_here()

    assert in_thread(work) == [beta.owner_email]
