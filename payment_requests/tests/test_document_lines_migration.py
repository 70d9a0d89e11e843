"""Requests made before documents had lines become one-line documents, nothing else changed.

django-tenants makes running one migration backwards and forwards in a test schema slow and
awkward; the migration's own function is run here instead, on requests whose lines were
removed (as they were before it), with the current models standing in for the historical
ones (the same fields)."""

from __future__ import annotations

import importlib
from decimal import Decimal

from django.apps import apps
from django_tenants.utils import schema_context

from payment_requests.models import PaymentRequest
from payment_requests.tests.conftest import make_request, send

migration = importlib.import_module("payment_requests.migrations.0010_document_lines")


def as_before_lines(tenant, pk):
    """The request as it was before the migration: no lines, no subtotal."""
    with schema_context(tenant.schema_name):
        PaymentRequest.objects.get(pk=pk).lines.all().delete()
        PaymentRequest.objects.filter(pk=pk).update(subtotal=0, tax_total=0)


def snapshot(item):
    history = [(c.from_status, c.to_status, c.note, c.created_at) for c in item.history.all()]
    return (item.amount, item.currency, item.status, item.number, item.updated_at, history)


def test_every_request_becomes_one_untaxed_line_and_nothing_is_lost(
    alpha, alpha_billing, mailoutbox, django_capture_on_commit_callbacks
):
    draft = make_request(alpha, amount="1250.50", description="Website redesign")
    sent = send(alpha, make_request(alpha, amount="1500", currency="JPY").pk,
                django_capture_on_commit_callbacks)  # fmt: skip
    for pk in (draft.pk, sent.pk):
        as_before_lines(alpha, pk)
    with schema_context(alpha.schema_name):
        before = {item.pk: snapshot(item) for item in PaymentRequest.objects.all()}

        migration.one_line_per_request(apps, None)

        for item in PaymentRequest.objects.all():
            assert snapshot(item) == before[item.pk]
            (line,) = item.document_lines
            assert (line.description, line.quantity, line.unit_price.amount, line.taxes) == (
                item.description,
                Decimal(1),
                item.amount,
                (),
            )
            assert line.discount is None and line.amount.amount == item.amount
            assert (item.subtotal, item.tax_total) == (item.amount, 0)
            assert not item.is_itemized
        assert PaymentRequest.objects.get(pk=sent.pk).status == "sent"


def test_running_it_again_adds_no_second_line(alpha):
    draft = make_request(alpha)
    with schema_context(alpha.schema_name):
        migration.one_line_per_request(apps, None)
        assert PaymentRequest.objects.get(pk=draft.pk).lines.count() == 1
