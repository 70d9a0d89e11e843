"""The account's daily schedule: overdue requests and automatic reminders."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from billing_saas.refusals import ActionRefused
from payment_requests import states
from payment_requests.models import BillingSettings, PaymentRequest, StatusChange
from payment_requests.services.common import Status, lock
from payment_requests.services.reminders import remind


def run_daily_schedule(today: date) -> dict:
    """Overdue switch and automatic reminders for ``today`` (the account's local date)."""
    settings_row = BillingSettings.current()
    report = {"overdue": 0, "reminders": 0}
    open_requests = PaymentRequest.objects.filter(
        status__in=PaymentRequest.OPEN_STATUSES, deleted_at__isnull=True
    )
    for pk in open_requests.filter(status=Status.SENT, due_date__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            request = lock(pk)
            if request.status == Status.SENT:
                states.move(request, Status.OVERDUE, StatusChange.Source.SCHEDULE)
                request.save()
                report["overdue"] += 1
    for request in open_requests.filter(billing_type=PaymentRequest.BillingType.INVOICE):
        days_left = (request.due_date - today).days
        steps = [f"before-{n}" for n in settings_row.before_days if days_left == n]
        steps += [f"after-{n}" for n in settings_row.after_days if -days_left == n]
        for step in steps:
            try:
                if remind(request.pk, step=step):
                    report["reminders"] += 1
            except ActionRefused:
                pass
    return report
