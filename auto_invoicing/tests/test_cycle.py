"""A run gathers each client's due, unbilled charges into one document, once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from auto_invoicing import cycle
from auto_invoicing.models import InvoicingRun, Mode, RunDocument
from auto_invoicing.tests.conftest import a_charge, a_client, auto_invoicing
from charges.models import Charge
from notifications.models import Message
from payment_requests.models import PaymentRequest

TODAY = date.today()


@pytest.fixture(autouse=True)
def _today(alpha):
    global TODAY
    TODAY = timezone.localdate(timezone.now(), alpha.tzinfo)


def test_draft_mode_one_document_per_client_with_the_charges_as_lines(alpha):
    auto_invoicing(alpha, mode=Mode.DRAFT)
    with schema_context(alpha.schema_name):
        ann, bob, cy = a_client("Ann Lee"), a_client("Bob Ray"), a_client("Cy Twombly")
        a_charge(ann, "30.00", TODAY - timedelta(days=3), "Haircut")
        a_charge(ann, "12.50", TODAY, "Shampoo")
        a_charge(bob, "80.00", TODAY - timedelta(days=1), "Colour")
        later = a_charge(ann, "99.00", TODAY + timedelta(days=1), "Next week")
        a_charge(cy, "10.00", TODAY + timedelta(days=5), "Not due yet")

        run = cycle.process(cycle.start_manual_run(None).pk)

        assert run.status == InvoicingRun.Status.FINISHED
        documents = {d.client_id: d for d in RunDocument.objects.filter(run=run)}
        assert set(documents) == {ann.pk, bob.pk}  # Cy has nothing due: nothing
        ann_doc = documents[ann.pk].request
        assert ann_doc.status == PaymentRequest.Status.DRAFT
        assert ann_doc.amount == Decimal("42.50")
        assert [line.description for line in ann_doc.lines.order_by("position")] == [
            "Haircut",
            "Shampoo",
        ]
        assert Charge.objects.get(pk=later.pk).state == Charge.State.UNBILLED
        assert set(Charge.objects.filter(request=ann_doc).values_list("state", flat=True)) == {
            Charge.State.BILLED
        }
        assert not Message.objects.exists()  # a draft tells nobody


def test_a_second_run_bills_nothing_twice(alpha):
    auto_invoicing(alpha, mode=Mode.DRAFT)
    with schema_context(alpha.schema_name):
        ann = a_client("Ann Lee")
        a_charge(ann, "30.00", TODAY)
        cycle.process(cycle.start_manual_run(None).pk)
        second = cycle.process(cycle.start_manual_run(None).pk)
        assert not RunDocument.objects.filter(run=second).exists()
        assert PaymentRequest.objects.count() == 1


def test_send_invoices_mode_sends_and_emails_each_client(alpha, alpha_stripe):
    auto_invoicing(alpha, mode=Mode.INVOICES)
    with schema_context(alpha.schema_name):
        ann = a_client("Ann Lee")
        a_charge(ann, "30.00", TODAY)
        run = cycle.process(cycle.start_manual_run(None).pk)
        request = RunDocument.objects.get(run=run).request
        assert request.status == PaymentRequest.Status.SENT
        assert request.remote is not None
        assert Message.objects.filter(to=ann.email).count() == 1


def test_paying_a_payment_link_marks_its_charges_paid(alpha, alpha_stripe):
    auto_invoicing(alpha, mode=Mode.PAYMENT_LINKS)
    with schema_context(alpha.schema_name):
        ann = a_client("Ann Lee")
        a_charge(ann, "30.00", TODAY)
        a_charge(ann, "20.00", TODAY)
        run = cycle.process(cycle.start_manual_run(None).pk)
        request = RunDocument.objects.get(run=run).request
        assert request.billing_type == PaymentRequest.BillingType.PAYMENT_LINK
        assert request.status == PaymentRequest.Status.SENT
