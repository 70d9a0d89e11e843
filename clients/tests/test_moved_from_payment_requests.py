"""Clients moved out of payment_requests: the table is renamed with its rows (not copied), so
a client made before the move is still there, with its requests, after it."""

from __future__ import annotations

import importlib
from datetime import date

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django_tenants.utils import schema_context

from clients.models import Client
from payment_requests.models import PaymentRequest

move = importlib.import_module("clients.migrations.0001_initial")


def tables() -> set[str]:
    return set(connection.introspection.table_names())


def test_a_client_made_before_the_move_keeps_its_requests_after_it(alpha):
    with schema_context(alpha.schema_name):
        ana = Client.objects.create(name="Ana", email="ana@client.test")
        for description in ("Logo", "Site"):
            PaymentRequest.objects.create(
                description=description,
                client=ana,
                amount="10.00",
                currency="EUR",
                due_date=date(2030, 1, 1),
            )
        with connection.schema_editor() as editor:
            move.move_table_back(apps, editor)  # the schema as the previous release left it
        assert "payment_requests_client" in tables() and "clients_client" not in tables()

        with connection.schema_editor() as editor:
            move.move_table_here(apps, editor)

        moved = Client.objects.get(pk=ana.pk)
        assert moved.name == "Ana"
        assert sorted(moved.requests.values_list("description", flat=True)) == ["Logo", "Site"]
        assert "payment_requests_client" not in tables()
        # New clients continue the numbering (the id sequence moved with the table).
        assert Client.objects.create(name="Bo", email="bo@client.test").pk > ana.pk


def test_the_clients_content_type_moves_with_the_model(alpha):
    with schema_context(alpha.schema_name):
        ContentType.objects.filter(app_label="clients", model="client").update(
            app_label="payment_requests"
        )
        before = ContentType.objects.get(app_label="payment_requests", model="client").pk
        with connection.schema_editor() as editor:
            move.move_content_type(apps, editor)
        assert ContentType.objects.get(app_label="clients", model="client").pk == before
        assert not ContentType.objects.filter(app_label="payment_requests", model="client")
