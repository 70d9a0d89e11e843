"""Each charge a run bills names the document that bills it: its client's, in its currency."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from auto_invoicing import cycle
from auto_invoicing.models import Mode, RunDocument
from auto_invoicing.tests.conftest import a_charge, a_client, auto_invoicing
from charges.models import Charge


def test_each_billed_charge_names_its_clients_document_in_its_currency(alpha):
    auto_invoicing(alpha, mode=Mode.DRAFT)
    today = timezone.localdate(timezone.now(), alpha.tzinfo)
    with schema_context(alpha.schema_name):
        ann, bob = a_client("Ann Lee"), a_client("Bob Ray")
        earlier = a_charge(ann, "5.00", today - timedelta(days=9), "Last month")
        first = cycle.process(cycle.start_manual_run(None).pk)
        charges = [
            a_charge(ann, "30.00", today, "Haircut"),
            a_charge(ann, "12.50", today, "Shampoo", currency="USD"),
            a_charge(bob, "80.00", today, "Colour"),
            a_charge(ann, "7.00", today, "Brush", currency="USD"),
            a_charge(bob, "9.00", today, "Gel", currency="USD"),
        ]

        run = cycle.process(cycle.start_manual_run(None).pk)

        documents = RunDocument.objects.filter(run=run).select_related("request")
        assert {(d.client_id, d.currency) for d in documents} == {
            (ann.pk, "EUR"), (ann.pk, "USD"), (bob.pk, "EUR"), (bob.pk, "USD"),
        }  # fmt: skip
        for charge in Charge.objects.filter(pk__in=[c.pk for c in charges]):
            document = charge.request.run_document
            assert (document.run_id, document.client_id, document.currency) == (
                run.pk,
                charge.client_id,
                charge.currency,
            )
            assert charge.state == Charge.State.BILLED
            assert charge.billed_at is not None
        # A charge billed by an earlier run keeps its document.
        earlier.refresh_from_db()
        assert earlier.request.run_document.run_id == first.pk
