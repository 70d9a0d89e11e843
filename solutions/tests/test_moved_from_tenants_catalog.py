"""The catalog moved from ``tenants.catalog`` to ``solutions``: an account's installations
survive (the table is renamed), and an account made afterwards gets the table all the same."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django_tenants.utils import schema_context

from solutions.models import Installation

move = importlib.import_module("solutions.migrations.0001_initial")


def tables() -> set[str]:
    return set(connection.introspection.table_names())


def test_an_installation_made_before_the_move_is_still_there_after_it(alpha):
    with schema_context(alpha.schema_name):
        Installation.objects.update_or_create(
            solution="client-billing", defaults={"status": Installation.Status.INSTALLED}
        )
        with connection.schema_editor() as editor:
            move.rename_back(apps, editor)  # the schema as the previous release left it
        assert "catalog_installation" in tables() and "solutions_installation" not in tables()

        with connection.schema_editor() as editor:
            move.rename_or_create(apps, editor)

        assert Installation.objects.get(solution="client-billing").is_installed
        assert "catalog_installation" not in tables()


def test_a_schema_without_the_old_table_gets_a_new_one(alpha):
    with schema_context(alpha.schema_name):
        with connection.schema_editor() as editor:
            editor.delete_model(Installation)
        with connection.schema_editor() as editor:
            move.rename_or_create(apps, editor)
        Installation.objects.create(solution="another")
        assert list(Installation.objects.values_list("solution", flat=True)) == ["another"]


def test_the_installations_content_type_moves_with_the_model(alpha):
    with schema_context(alpha.schema_name):
        ContentType.objects.filter(app_label="solutions", model="installation").update(
            app_label="catalog"
        )
        before = ContentType.objects.get(app_label="catalog", model="installation").pk
        with connection.schema_editor() as editor:
            move.move_content_type(apps, editor)
        assert ContentType.objects.get(app_label="solutions", model="installation").pk == before
