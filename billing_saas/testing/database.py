"""What PostgreSQL itself holds, read past the ORM (which only sees the current schema)."""

from __future__ import annotations

from django.db import connection


def schema_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name FROM information_schema.schemata")
        return {name for (name,) in cursor.fetchall()}


def schemas_holding(model, **where) -> list[str]:
    """Every schema (the public one included) whose table of ``model`` has a row matching
    ``where`` (one field, one value), sorted."""
    ((field, value),) = where.items()
    table, column = model._meta.db_table, model._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = %s"
            " ORDER BY table_schema",
            [table],
        )
        schemas = [name for (name,) in cursor.fetchall()]
        holding = []
        for schema in schemas:
            cursor.execute(f'SELECT 1 FROM "{schema}"."{table}" WHERE "{column}" = %s', [value])
            if cursor.fetchone():
                holding.append(schema)
    return holding
