"""Automatic reminders and the overdue switch, day by day in the account's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from django_tenants.utils import schema_context

from payment_requests import services, tasks
from payment_requests.models import PaymentRequest, Reminder
from payment_requests.tests.conftest import make_client, make_request
from tenants.models import Tenant


def mark_sent(tenant, item, due):
    with schema_context(tenant.schema_name):
        PaymentRequest.objects.filter(pk=item.pk).update(status="sent", due_date=due)


def steps(tenant):
    with schema_context(tenant.schema_name):
        return list(Reminder.objects.order_by("sent_at").values_list("step", flat=True))


def test_the_schedule_is_kept_across_days_and_never_repeats(
    alpha, mailoutbox, django_capture_on_commit_callbacks
):
    make_client(alpha)
    item = make_request(alpha)
    due = date(2027, 5, 20)
    mark_sent(alpha, item, due)
    sent_on = {}
    with schema_context(alpha.schema_name):
        for offset in range(-6, 12):
            day = due + timedelta(days=offset)
            for _run in range(3):  # the job runs hourly: later runs that day send nothing
                before = len(mailoutbox)
                with django_capture_on_commit_callbacks(execute=True):
                    services.run_daily_schedule(day)
                if len(mailoutbox) > before:
                    sent_on[day] = sent_on.get(day, 0) + len(mailoutbox) - before
            if day == due:
                assert PaymentRequest.objects.get().status == "sent"
            if day == due + timedelta(days=1):
                assert PaymentRequest.objects.get().status == "overdue"

    assert steps(alpha) == ["before-3", "after-1", "after-7"]
    assert sent_on == {
        due - timedelta(days=3): 1,
        due + timedelta(days=1): 1,
        due + timedelta(days=7): 1,
    }
    assert all(mail.subject.startswith("Reminder:") for mail in mailoutbox)


def test_paid_and_canceled_requests_get_no_reminder(alpha, mailoutbox):
    make_client(alpha)
    due = date(2027, 5, 20)
    for status in ("paid", "canceled", "draft"):
        item = make_request(alpha, description=status)
        with schema_context(alpha.schema_name):
            PaymentRequest.objects.filter(pk=item.pk).update(status=status, due_date=due)
    with schema_context(alpha.schema_name):
        services.run_daily_schedule(due - timedelta(days=3))
    assert steps(alpha) == []


@pytest.mark.parametrize(
    ("zone", "due"),
    [
        ("Europe/Paris", date(2027, 3, 29)),
        ("Europe/Paris", date(2027, 10, 31)),
        ("America/New_York", date(2027, 3, 15)),
        ("America/New_York", date(2027, 11, 8)),
        # A step on the very day the clocks change (a 23- or a 25-hour local day):
        ("Europe/Paris", date(2027, 3, 31)),  # before-3 on Sunday 28 March 2027
        ("Europe/Paris", date(2026, 10, 24)),  # after-1 on Sunday 25 October 2026
        ("America/New_York", date(2027, 3, 17)),  # before-3 on Sunday 14 March 2027
        ("America/New_York", date(2026, 10, 31)),  # after-1 on Sunday 1 November 2026
    ],
)
def test_a_daylight_saving_change_neither_skips_nor_doubles(
    alpha, zone, due, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """Hourly runs for two weeks around a clock change: each step once, on the right local
    day, in an email that names the due date."""
    monkeypatch.setattr(alpha, "time_zone", zone)  # the session's account, restored after
    alpha.save(update_fields=["time_zone"])
    make_client(alpha)
    item = make_request(alpha)
    mark_sent(alpha, item, due)
    moment = datetime.combine(due - timedelta(days=6), datetime.min.time(), UTC)
    end = datetime.combine(due + timedelta(days=9), datetime.min.time(), UTC)
    emailed_on_local_day = {}
    while moment < end:
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            tasks.daily_schedule(alpha.schema_name)
        local_day = moment.astimezone(ZoneInfo(zone)).date().isoformat()
        for mail in mailoutbox[before:]:
            emailed_on_local_day.setdefault(local_day, []).append(mail)
        moment += timedelta(hours=1)
    assert steps(alpha) == ["before-3", "after-1", "after-7"]
    assert {day: len(mails) for day, mails in emailed_on_local_day.items()} == {
        (due - timedelta(days=3)).isoformat(): 1,
        (due + timedelta(days=1)).isoformat(): 1,
        (due + timedelta(days=7)).isoformat(): 1,
    }
    due_on = f"due on {date_format(due, 'DATE_FORMAT')}"
    for (mail,) in emailed_on_local_day.values():
        assert mail.to == ["ana@client.test"] and mail.subject.startswith("Reminder:")
        assert due_on in " ".join(mail.body.split())


def test_the_schedule_follows_the_accounts_settings(alpha, owner_client):
    page = owner_client.post(
        "/billing/settings/",
        {
            "remind_before_days": "7, 1",
            "remind_after_days": "x",
            "time_zone": "Europe/Paris",
            "brand_color": "#4f46e5",
        },
    )
    assert "between 1 and 90" in page.content.decode()
    saved = owner_client.post(
        "/billing/settings/",
        {
            "remind_before_days": "7, 1",
            "remind_after_days": "2",
            "time_zone": "America/New_York",
            "brand_color": "#4f46e5",
        },
    )
    assert saved.status_code == 302
    # Read afresh: the session's ``alpha`` must keep its zone for the tests that follow.
    assert Tenant.objects.get(pk=alpha.pk).time_zone == "America/New_York"
    make_client(alpha)
    item = make_request(alpha)
    due = date(2027, 6, 10)
    mark_sent(alpha, item, due)
    with schema_context(alpha.schema_name):
        for offset in range(-8, 4):
            services.run_daily_schedule(due + timedelta(days=offset))
    assert steps(alpha) == ["before-7", "before-1", "after-2"]


def test_an_uninstalled_solution_sends_no_reminders(alpha, monkeypatch):
    from solutions.models import Installation

    make_client(alpha)
    item = make_request(alpha)
    due = date(2027, 5, 20)
    mark_sent(alpha, item, due)
    with schema_context(alpha.schema_name):
        Installation.objects.filter(solution="client-billing").update(status="uninstalled")
    moment = datetime.combine(due - timedelta(days=3), datetime.min.time(), UTC) + timedelta(
        hours=12
    )
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert tasks.daily_schedule(alpha.schema_name)["skipped"] == "not installed"
    assert steps(alpha) == []
