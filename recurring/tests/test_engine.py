"""Each period's invoice made and sent once, whatever the crashes, retries, concurrent ticks,
worker outages and pauses; beat's tick is registered for every account."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import install_client_billing
from billing_saas.testing.stripe import connect_stripe
from billing_saas.testing.threads import all_at_once, committed_account, in_thread
from emulators.stripe.app import Fault
from notifications.models import Message
from payment_requests.models import PaymentRequest, TaxRate
from payment_requests.services.lines import LineDraft
from recurring import engine, services, tasks
from recurring.models import Frequency, RecurringDocument, RecurringInvoice
from recurring.tests.conftest import a_client, a_recurring, beat, in_time_zone, reload
from tenants.periodic import beat_schedule

PARIS = ZoneInfo("Europe/Paris")
Status = RecurringInvoice.Status
SENT = PaymentRequest.Status.SENT


def stripe_invoices(stripe_platform, connection) -> list[dict]:
    account = stripe_platform.state.accounts[connection.remote_account_id]
    return [o for o in account.objects.values() if o.get("object") == "invoice"]


@pytest.fixture
def paris(alpha, clock):
    """Alpha in Paris, on 1 June 2026 at midnight there."""
    in_time_zone(alpha, "Europe/Paris")
    clock.set(datetime(2026, 6, 1, tzinfo=PARIS))
    return clock


def test_two_ticks_at_once_make_one_invoice_per_period(stripe_platform, accounts):
    stripe_platform.sender.paused = True

    def prepare():
        tenant, _owner = committed_account("Twice")
        install_client_billing(tenant)
        connection = connect_stripe(stripe_platform, tenant)
        with schema_context(tenant.schema_name):
            today = services.account_today()
            recurring = a_recurring(tenant, a_client(), today, frequency=Frequency.WEEKLY, hour=0)
            # Three weekly periods due (a worker down for a fortnight): the ticks race on each.
            RecurringInvoice.objects.filter(pk=recurring.pk).update(
                start_on=today - timedelta(days=14), next_send_on=today - timedelta(days=14)
            )
        return tenant, connection

    tenant, connection = in_thread(prepare)
    try:

        def tick():
            with schema_context(tenant.schema_name):
                return engine.tick()

        all_at_once(2, tick)

        def read():
            with schema_context(tenant.schema_name):
                return (
                    list(
                        RecurringDocument.objects.order_by("period").values_list(
                            "period", flat=True
                        )
                    ),
                    list(PaymentRequest.objects.values_list("status", flat=True)),
                    Message.objects.count(),
                    RecurringInvoice.objects.get().cycles_done,
                )

        periods, statuses, messages, done = in_thread(read)
    finally:
        in_thread(lambda: tenant.delete(force_drop=True))
    assert len(periods) == len(set(periods)) == 3
    assert statuses == [SENT] * 3 and messages == 3 and done == 3
    assert len(stripe_invoices(stripe_platform, connection)) == 3


def test_the_database_refuses_a_second_invoice_for_one_period(alpha, alpha_stripe, paris):
    with schema_context(alpha.schema_name):
        recurring = a_recurring(alpha, a_client(), date(2026, 6, 1), hour=0)
        engine.tick(paris.now)
        document = RecurringDocument.objects.get()
        with pytest.raises(IntegrityError), transaction.atomic():
            RecurringDocument.objects.create(
                recurring=recurring,
                period=document.period,
                request=PaymentRequest.objects.create(
                    client=recurring.client, amount=1, description="x", due_date=date(2026, 7, 1)
                ),
            )


class Killed(BaseException):
    """The worker dies (not an error the tick catches)."""


def test_a_crash_between_making_and_sending_leaves_a_draft_the_next_tick_sends(
    alpha, alpha_stripe, stripe_platform, paris, monkeypatch, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    def crash(name):
        if name == "recurring_after_create":
            raise Killed

    with schema_context(alpha.schema_name):
        ann = a_client()
        a_recurring(alpha, ann, date(2026, 6, 1), hour=0)
        monkeypatch.setattr(engine, "crash_point", crash)
        with pytest.raises(Killed):
            engine.tick(paris.now)
        draft = RecurringDocument.objects.get().request
        assert draft.status == PaymentRequest.Status.DRAFT
        monkeypatch.setattr(engine, "crash_point", lambda name: None)  # a fresh worker
        paris.set(datetime(2026, 6, 1, 0, 5, tzinfo=PARIS))

        with django_capture_on_commit_callbacks(execute=True):
            report = engine.tick(paris.now)

        assert report == {"retried": 1, "made": []}
        assert list(PaymentRequest.objects.values_list("pk", "status")) == [(draft.pk, SENT)]
    assert len(stripe_invoices(stripe_platform, alpha_stripe)) == 1
    assert [mail.to for mail in mailoutbox] == [[ann.email]]


def test_a_platform_refusal_keeps_the_draft_with_its_error_and_a_later_tick_sends_it(
    alpha, alpha_stripe, stripe_platform, paris, owner_client, django_capture_on_commit_callbacks
):
    stripe_platform.app.faults.append(Fault({"path": "/v1/invoices", "kind": "refusal"}))
    start = paris.now
    with schema_context(alpha.schema_name):
        recurring = a_recurring(alpha, a_client(), date(2026, 6, 1), hour=0)
        beat(paris, start, start + timedelta(minutes=5), timedelta(minutes=5),
             django_capture_on_commit_callbacks)  # fmt: skip
        document = RecurringDocument.objects.get()
        assert document.request.status == PaymentRequest.Status.DRAFT
        assert document.error == "This request was refused (emulated)."
        page = owner_client.get(f"/billing/recurring/{recurring.pk}/").content.decode()
        assert "This request was refused (emulated)." in page

        beat(paris, start + timedelta(minutes=5), start + timedelta(minutes=30),
             timedelta(minutes=5), django_capture_on_commit_callbacks)  # fmt: skip

        document.refresh_from_db()
        assert (document.request.status, document.error, document.attempts) == (SENT, "", 1)
        assert PaymentRequest.objects.count() == 1
        assert reload(recurring).cycles_done == 1
    assert len(stripe_invoices(stripe_platform, alpha_stripe)) == 1


def test_a_worker_down_for_three_weeks_catches_up_each_missed_week_once_oldest_first(
    alpha, alpha_stripe, paris, django_capture_on_commit_callbacks
):
    start = paris.now  # Monday 1 June 2026
    with schema_context(alpha.schema_name):
        recurring = a_recurring(alpha, a_client(), date(2026, 6, 1), frequency=Frequency.WEEKLY)
        captured = django_capture_on_commit_callbacks
        beat(paris, start, start + timedelta(days=1), timedelta(hours=1), captured)
        back = start + timedelta(days=22, hours=15)  # no tick from 2 June to 23 June 15:00

        beat(paris, back, back + timedelta(days=1), timedelta(hours=1), captured)

        documents = list(RecurringDocument.objects.order_by("pk").select_related("request"))
        assert [d.period.day for d in documents] == [1, 8, 15, 22]
        assert {d.request.status for d in documents} == {SENT}
        # The caught-up ones are due 14 days after the day they were actually sent.
        assert [d.request.due_date for d in documents[1:]] == [date(2026, 7, 7)] * 3
        assert reload(recurring).next_send_on == date(2026, 6, 29)


def test_a_paused_recurring_invoice_makes_nothing_and_resumes_without_catching_up(
    alpha, alpha_stripe, paris, django_capture_on_commit_callbacks
):
    start = paris.now
    captured = django_capture_on_commit_callbacks
    with schema_context(alpha.schema_name):
        recurring = a_recurring(alpha, a_client(), date(2026, 6, 1), frequency=Frequency.WEEKLY)
        beat(paris, start, start + timedelta(days=1), timedelta(hours=3), captured)
        services.pause(recurring.pk)

        beat(paris, start + timedelta(days=1), start + timedelta(days=16), timedelta(hours=3),
             captured)  # fmt: skip
        assert RecurringDocument.objects.count() == 1  # not on 8 nor 15 June
        resumed = services.resume(recurring.pk, now=paris.now)  # 16 June

        assert (resumed.status, resumed.next_send_on) == (Status.ACTIVE, date(2026, 6, 22))
        beat(paris, start + timedelta(days=16), start + timedelta(days=22, hours=12),
             timedelta(hours=3), captured)  # fmt: skip
        assert [d.period.day for d in RecurringDocument.objects.order_by("period")] == [1, 22]


def test_stop_finishes_it_and_nothing_more_is_made(alpha, alpha_stripe, paris):
    with schema_context(alpha.schema_name):
        recurring = a_recurring(alpha, a_client(), date(2026, 6, 2))
        stopped = services.stop(recurring.pk)
        paris.set(datetime(2026, 6, 3, tzinfo=PARIS))
        engine.tick(paris.now)
        assert (stopped.status, stopped.next_send_on) == (Status.FINISHED, None)
        assert not RecurringDocument.objects.exists()


def test_beat_ticks_every_account_every_five_minutes(alpha):
    entry = beat_schedule()["per-account:recurring.tasks.tick"]
    assert entry["args"] == ["recurring.tasks.tick"]
    assert str(entry["schedule"]._orig_minute) == "*/5"
    assert tasks.tick(alpha.schema_name) == {"account": alpha.slug, "retried": 0, "made": []}


def test_each_cycles_invoice_carries_the_lines_and_taxes_as_written(
    alpha, alpha_stripe, paris, django_capture_on_commit_callbacks
):
    with schema_context(alpha.schema_name):
        vat = TaxRate.objects.create(name="VAT", rate=Decimal("20"))
        lines = [
            LineDraft("Hosting", Decimal(1), Decimal("100"), tax_rates=(vat,)),
            LineDraft("Support", Decimal("1.5"), Decimal("40"), discount=Decimal("10")),
        ]
        recurring = a_recurring(alpha, a_client(), date(2026, 6, 1), hour=0, lines=lines)
        # The lines keep the rates they were written with, as every document does (edit the
        # recurring invoice to take a new rate).
        TaxRate.objects.filter(pk=vat.pk).update(rate=Decimal("21"))
        with django_capture_on_commit_callbacks(execute=True):
            engine.tick(paris.now)

        invoice = RecurringDocument.objects.get().request
        assert invoice.status == SENT
        assert invoice.document_lines == recurring.document_lines
        assert (invoice.amount, invoice.tax_total) == (Decimal("170.00"), Decimal("20.00"))
        assert invoice.description == "Monthly maintenance"
