"""Thirteen monthly cycles from 31 January in Paris, the clock stepped every few hours through
both DST changes and every month end: thirteen invoices, each sent on its own local day at its
hour, the remaining cycles counting down on the staff page, then Finished and nothing more."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from notifications.models import Message
from payment_requests.models import PaymentRequest
from recurring import engine
from recurring.models import RecurringDocument, RecurringInvoice
from recurring.tests.conftest import a_client, a_recurring, in_time_zone, reload

PARIS = ZoneInfo("Europe/Paris")
EXPECTED = [
    date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30),
    date(2026, 5, 31), date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31),
    date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 31),
    date(2027, 1, 31),
]  # fmt: skip
# Seven hours: the ticks fall at every local hour in turn over the months.
STEP = timedelta(hours=7)


def remaining_on_the_page(tenant, recurring) -> str:
    browser = client_on(tenant)
    browser.force_login(owner_of(tenant))  # signed in at the moved clock's time
    page = browser.get(f"/billing/recurring/{recurring.pk}/")
    text = page.content.decode()
    return text.split("data-remaining>", 1)[1].split("</dd>", 1)[0].strip()


def test_thirteen_monthly_cycles_across_dst_and_month_ends_make_thirteen_invoices(
    alpha, alpha_stripe, clock, django_capture_on_commit_callbacks, mailoutbox
):
    in_time_zone(alpha, "Europe/Paris")
    at = datetime(2026, 1, 30, 0, 0, tzinfo=PARIS)
    clock.set(at)
    with schema_context(alpha.schema_name):
        ann = a_client()
        recurring = a_recurring(alpha, ann, date(2026, 1, 31), cycles=13, hour=9)
        end = datetime(2027, 4, 1, tzinfo=PARIS)  # two months past the last cycle
        remaining = []
        while at < end:
            clock.set(at)
            with django_capture_on_commit_callbacks(execute=True):
                made = engine.tick(at)["made"]
            if made:
                remaining.append(remaining_on_the_page(alpha, recurring))
            at += STEP

        documents = list(RecurringDocument.objects.order_by("period").select_related("request"))
        assert [document.period for document in documents] == EXPECTED
        for document in documents:
            sent = document.request.sent_at.astimezone(PARIS)
            # Sent on its own local day, at the first tick after 09:00 there.
            assert sent.date() == document.period
            assert 9 <= sent.hour < 9 + STEP.seconds // 3600
            assert document.request.status == PaymentRequest.Status.SENT
            assert document.request.due_date == document.period + timedelta(days=14)
        assert remaining == [str(n) for n in range(12, -1, -1)]
        assert PaymentRequest.objects.count() == 13
        assert Message.objects.filter(to=ann.email).count() == 13
        assert len(mailoutbox) == 13
        finished = reload(recurring)
        assert (finished.status, finished.cycles_done, finished.next_send_on) == (
            RecurringInvoice.Status.FINISHED,
            13,
            None,
        )
