"""What happens to charges when their document will never be paid, or is paid late; and the
limits that keep one client from stopping a run."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from auto_invoicing import cycle, tasks
from auto_invoicing.models import InvoicingRun, Mode, RunDocument
from auto_invoicing.tests.conftest import a_charge, a_client, auto_invoicing
from billing_saas.refusals import ActionRefused
from bookings.models import Booking
from bookings.services import book, cancel
from charges.models import Charge
from charges.services import add_charge
from payment_requests import services, states
from payment_requests.models import PaymentRequest, StatusChange
from payment_requests.services.common import lock
from products.models import Product


@pytest.fixture
def today(alpha):
    return timezone.localdate(timezone.now(), alpha.tzinfo)


def run_drafts():
    return cycle.process(cycle.start_manual_run(None).pk)


def paid_late(request_pk: int) -> None:
    """Money arrives for a request already canceled (a void that lost the race)."""
    with transaction.atomic():
        request = lock(request_pk)
        states.move(request, PaymentRequest.Status.PAID, StatusChange.Source.PLATFORM)
        request.save()


def test_a_booking_canceled_while_billed_is_not_billed_again_when_its_draft_is_deleted(
    alpha, today
):
    auto_invoicing(alpha, mode=Mode.DRAFT)
    with schema_context(alpha.schema_name):
        ann = a_client("Ann Lee")
        haircut = Product.objects.create(name="Haircut", unit_price=Decimal("35"), currency="EUR")
        booking = book(client=ann, service=haircut, starts_at=timezone.now())
        draft = RunDocument.objects.get(run=run_drafts()).request
        cancel(booking.pk)
        assert Charge.objects.get(pk=booking.charge_id).state == Charge.State.BILLED

        services.delete_request(draft.pk, actor=None)

        assert Charge.objects.get(pk=booking.charge_id).state == Charge.State.CANCELED
        assert not RunDocument.objects.filter(run=run_drafts()).exists()
        assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELED


def test_money_for_a_canceled_draft_pays_its_charges_instead_of_billing_them_again(alpha, today):
    auto_invoicing(alpha, mode=Mode.DRAFT)
    with schema_context(alpha.schema_name):
        ann = a_client("Ann Lee")
        charge = a_charge(ann, "30.00", today)
        first = RunDocument.objects.get(run=run_drafts()).request
        services.cancel_request(first.pk, actor=None)
        assert Charge.objects.get(pk=charge.pk).state == Charge.State.UNBILLED

        paid_late(first.pk)

        charge.refresh_from_db()
        assert (charge.state, charge.request_id) == (Charge.State.PAID, first.pk)
        assert not RunDocument.objects.filter(run=run_drafts()).exists()  # never billed again


def test_money_for_a_canceled_draft_whose_charges_were_billed_again_flags_the_new_one(alpha, today):
    auto_invoicing(alpha, mode=Mode.DRAFT)
    with schema_context(alpha.schema_name):
        ann = a_client("Ann Lee")
        a_charge(ann, "30.00", today)
        first = RunDocument.objects.get(run=run_drafts()).request
        services.cancel_request(first.pk, actor=None)
        second = RunDocument.objects.get(run=run_drafts()).request

        paid_late(first.pk)

        notes = [change.note_text for change in second.history.all()]
        assert any(first.number or str(first.pk) in note for note in notes if "paid with" in note)


def test_a_run_draft_keeps_its_client_and_currency(alpha, today):
    auto_invoicing(alpha, mode=Mode.DRAFT)
    with schema_context(alpha.schema_name):
        ann, bob = a_client("Ann Lee"), a_client("Bob Ray")
        a_charge(ann, "30.00", today)
        draft = RunDocument.objects.get(run=run_drafts()).request
        with pytest.raises(ActionRefused, match="client and currency cannot change"):
            services.update_draft(draft.pk, actor=None, client=bob)
        with pytest.raises(ActionRefused, match="client and currency cannot change"):
            services.update_draft(draft.pk, actor=None, currency="USD")
        services.update_draft(draft.pk, actor=None, due_date=today + timedelta(days=30))
        draft.refresh_from_db()
        assert (draft.client_id, draft.currency) == (ann.pk, "EUR")
        assert draft.due_date == today + timedelta(days=30)


def test_a_client_whose_total_no_document_holds_gets_what_fits_and_the_others_are_billed(
    alpha, today
):
    auto_invoicing(alpha, mode=Mode.DRAFT)
    with schema_context(alpha.schema_name):
        ann, bob = a_client("Ann Lee"), a_client("Bob Ray")
        # Written as a booking tool of an older release could have: larger than a charge may
        # be now, together more than a document's total holds.
        huge = [
            Charge.objects.create(
                client=ann,
                description=f"Tower {number}",
                unit_price=Decimal("6000000000"),
                amount=Decimal("6000000000"),
                currency="EUR",
                due_date=today,
            )
            for number in (1, 2)
        ]
        a_charge(bob, "10.00", today)

        run = run_drafts()

        assert run.status == InvoicingRun.Status.FINISHED
        bob_doc = RunDocument.objects.get(run=run, client=bob).request
        assert bob_doc.amount == Decimal("10.00")
        ann_doc = RunDocument.objects.get(run=run, client=ann).request
        assert ann_doc.amount == Decimal("6000000000.00")
        assert Charge.objects.get(pk=huge[1].pk).state == Charge.State.UNBILLED  # next run
        assert RunDocument.objects.get(run=run_drafts(), client=ann).amount == Decimal(
            "6000000000.00"
        )


def test_a_charge_too_large_for_any_document_is_refused(alpha, today):
    with schema_context(alpha.schema_name):
        ann = a_client("Ann Lee")
        with pytest.raises(ActionRefused):
            add_charge(
                client=ann,
                description="Tower",
                unit_price=Decimal("100000000"),
                currency="EUR",
                due_date=today,
            )
        assert not Charge.objects.exists()


def test_a_run_that_cannot_be_taken_over_does_not_stop_the_schedule(alpha, monkeypatch):
    started = []
    monkeypatch.setattr(cycle, "stalled_runs", lambda: [123])
    monkeypatch.setattr(cycle, "process", lambda pk: (_ for _ in ()).throw(RuntimeError("db")))
    monkeypatch.setattr(cycle, "start_scheduled_run", lambda: started.append(True))
    monkeypatch.setattr(cycle, "retry_due", lambda: 0)

    report = tasks.tick(alpha.schema_name)

    assert started == [True]
    assert report["resumed"] == [123]


def test_a_manual_payment_undone_makes_its_charges_owed_again(alpha, today):
    from payment_requests.services.manual import mark_paid, undo_payment

    auto_invoicing(alpha, mode=Mode.DRAFT)
    with schema_context(alpha.schema_name):
        ann = a_client("Ann Lee")
        charge = a_charge(ann, "30.00", today)
        draft = RunDocument.objects.get(run=run_drafts()).request
        payment = mark_paid(
            draft.pk, actor=None, amount=Decimal("30.00"), method="cash", paid_on=today
        )
        assert Charge.objects.get(pk=charge.pk).state == Charge.State.PAID

        undo_payment(draft.pk, payment.pk, actor=None)

        assert Charge.objects.get(pk=charge.pk).state == Charge.State.BILLED
