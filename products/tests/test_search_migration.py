"""The search functions' migration, as ``migrate_schemas --executor=multiprocessing`` runs it:
once per account schema, several schemas at once, on a database without the extensions."""

from __future__ import annotations

import importlib
import threading
import uuid

import psycopg
import pytest
from django.db import connection

migration = importlib.import_module("products.migrations.0001_initial")


@pytest.fixture
def empty_database():
    """A database of its own (the test database has the extensions already)."""
    name = f"search_{uuid.uuid4().hex[:8]}"
    settings = connection.settings_dict
    params = {
        "host": settings["HOST"],
        "port": settings["PORT"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
    }
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield params | {"dbname": name}
    finally:
        with psycopg.connect(**params, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_two_schemas_migrating_at_once_both_get_the_search_functions(empty_database):
    first, second = psycopg.connect(**empty_database), psycopg.connect(**empty_database)
    errors = []

    def migrate_second():
        try:
            second.execute(migration.SEARCH_FUNCTIONS)
            second.commit()
        except psycopg.Error as error:
            errors.append(error)

    first.execute(migration.SEARCH_FUNCTIONS)  # its transaction still open, like a migration
    racing = threading.Thread(target=migrate_second)
    racing.start()
    racing.join(timeout=1)
    first.commit()
    racing.join(timeout=10)

    assert not racing.is_alive() and errors == []
    for each in (first, second):
        key = each.execute("SELECT public.immutable_unaccent(lower('Café ÉTÉ'))").fetchone()
        assert key == ("cafe ete",)
    extensions = first.execute(
        "SELECT extname, nspname FROM pg_extension JOIN pg_namespace n"
        " ON n.oid = extnamespace WHERE extname IN ('unaccent', 'pg_trgm') ORDER BY 1"
    ).fetchall()
    assert extensions == [("pg_trgm", "public"), ("unaccent", "public")]
    first.close()
    second.close()
