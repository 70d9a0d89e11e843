"""Quotes are no longer a kind of payment request: the requests that were quotes become
proposals, keep their status, and say in their history what they were."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.db import connection
from django_tenants.utils import schema_context

from payment_requests.models import PaymentRequest, StatusChange
from payment_requests.tests.conftest import make_request

migration = importlib.import_module("payment_requests.migrations.0009_quotes_become_proposals")


def test_a_quote_becomes_a_proposal_with_a_note_in_its_history(alpha, owner_client):
    quote = make_request(alpha, description="Kitchen works")
    invoice = make_request(alpha, description="Logo")
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=quote.pk).update(kind="quote", status="sent")
        with connection.schema_editor() as editor:
            migration.quotes_become_proposals(apps, editor)
        quote.refresh_from_db()
        assert (quote.kind, quote.status) == ("proposal", "sent")
        note = quote.history.get(source=StatusChange.Source.UPDATE)
        assert (note.from_status, note.to_status) == ("sent", "sent")
        assert not invoice.history.filter(source=StatusChange.Source.UPDATE).exists()
        assert PaymentRequest.objects.get(pk=invoice.pk).kind == "invoice"

    panel = owner_client.get(f"/billing/requests/{quote.pk}/").content.decode()
    assert "Proposal (before service)" in panel
    assert "Was a quote: quotes are now their own documents" in panel
    assert "an update of the product" in panel


def test_a_request_can_no_longer_be_a_quote(alpha):
    assert "quote" not in PaymentRequest.Kind.values
