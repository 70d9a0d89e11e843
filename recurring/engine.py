"""The cycles of recurring invoices: each period's invoice made once, then sent. Exactly once
whatever the crashes, retries and concurrent ticks:

1. **Make.** One transaction locks the recurring invoice's row, checks that its next send
   time has come, creates the period's invoice (a draft, through ``create_request``, as staff
   drafts are made), records it as that period's document (unique per recurring invoice and
   period) and moves ``next_send_on`` on. A second tick waits for the lock, then finds the
   next send time still to come.
2. **Send.** ``send_request`` claims the draft, calls the platform with an idempotency key of
   our rows and tells the client through the request's channels in the commit that marks it
   sent. A crash between 1 and 2 leaves a draft that the next tick sends (never a second
   invoice); a platform refusal is kept on the document and tried again on later ticks.

A worker that was down catches up: every missed period gets its invoice, oldest first, each
due ``due_days`` after the day it is actually sent.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from auto_invoicing.cycle import RETRY_DELAYS
from billing_saas.faults import crash_point
from billing_saas.refusals import ActionRefused
from payment_requests import states
from payment_requests.models import PaymentRequest, StatusChange
from payment_requests.services.common import current_tenant
from payment_requests.services.drafts import create_request
from payment_requests.services.lines import drafts_from
from recurring import calendar, services
from recurring.models import AutoBill, RecurringDocument, RecurringInvoice

log = logging.getLogger(__name__)
Status = RecurringInvoice.Status
UNSENT = (PaymentRequest.Status.DRAFT, PaymentRequest.Status.SENDING)


def tick(now: datetime | None = None) -> dict:
    """What beat runs every five minutes per account: the drafts waiting to be sent (oldest
    first), then every cycle whose send time has come."""
    now = now or timezone.now()
    sent = [send_document(pk, now) for pk in waiting(now)]
    made = []
    today = services.account_today(now)
    due = RecurringInvoice.objects.filter(status=Status.ACTIVE, next_send_on__lte=today)
    for pk in due.order_by("next_send_on", "pk").values_list("pk", flat=True):
        try:
            made += run_cycles(pk, now)
        except Exception:  # noqa: BLE001 - logged; one broken invoice must not stop the others
            log.exception("recurring invoice %s: cycle not made", pk)
    return {"retried": len(sent), "made": [document.pk for document in made]}


def waiting(now: datetime) -> list[int]:
    """Documents still drafts (a crash, a refusal) whose next attempt has come."""
    return list(
        RecurringDocument.objects.filter(
            request__status__in=UNSENT, request__deleted_at__isnull=True
        )
        .exclude(next_attempt_at__gt=now)
        .order_by("period", "pk")
        .values_list("pk", flat=True)
    )


def run_cycles(pk: int, now: datetime) -> list[RecurringDocument]:
    """Every period of ``pk`` whose send time has come by ``now``: made, then sent."""
    made = []
    while (document := make_next(pk, now)) is not None:
        crash_point("recurring_after_create")
        made.append(document)
        send_document(document.pk, now)
    return made


def make_next(pk: int, now: datetime) -> RecurringDocument | None:
    """The next period's invoice, a draft, if its send time has come; else ``None``."""
    tz = current_tenant().tzinfo
    with transaction.atomic():
        recurring = services.lock(pk)
        period = recurring.next_send_on
        if recurring.status != Status.ACTIVE or period is None:
            return None
        if calendar.send_time(recurring, period, tz) > now:
            return None
        request = _invoice(recurring, now)
        # Auto-bill as it is now: the first try follows once it is sent (``auto_charge.py``).
        auto_bill = recurring.auto_bill == AutoBill.DEFAULT_METHOD
        document = RecurringDocument.objects.create(
            recurring=recurring,
            period=period,
            request=request,
            auto_bill=auto_bill,
            next_charge_at=now if auto_bill else None,
        )
        recurring.cycles_done += 1
        if recurring.cycles is not None and recurring.cycles_done >= recurring.cycles:
            recurring.status = Status.FINISHED
            recurring.next_send_on = None
        else:
            recurring.next_send_on = calendar.period_after(
                recurring.start_on, recurring.frequency, period
            )
        recurring.save(update_fields=["cycles_done", "status", "next_send_on", "updated_at"])
    return document


def _invoice(recurring: RecurringInvoice, now: datetime) -> PaymentRequest:
    request = create_request(
        actor=None,
        kind=PaymentRequest.Kind.INVOICE,
        description=recurring.description,
        client=recurring.client,
        currency=recurring.currency,
        due_date=services.account_today(now) + timedelta(days=recurring.due_days),
        lines=drafts_from(recurring.lines.all()),
    )
    states.note(
        request,
        StatusChange.Source.AUTOMATION,
        gettext_noop("Made by a recurring invoice (cycle %(cycle)s)"),
        cycle=recurring.cycles_done + 1,
    )
    return request


def send_document(pk: int, now: datetime) -> RecurringDocument:
    """Send a cycle's draft; a refusal is recorded on its document (and retried), not raised."""
    from payment_requests.services.sending import send_request

    document = RecurringDocument.objects.select_related("request").get(pk=pk)
    try:
        request = send_request(
            document.request_id, actor=None, source=StatusChange.Source.AUTOMATION
        )
    except ActionRefused as refused:
        return _failed(document, str(refused), now)
    if request.status in UNSENT:
        return document  # claimed by another worker: it finishes it, or a later tick does
    document.error, document.next_attempt_at = "", None
    document.save(update_fields=["error", "next_attempt_at"])
    return document


def _failed(document: RecurringDocument, reason: str, now: datetime) -> RecurringDocument:
    document.attempts += 1
    document.error = reason[:2000]
    # Automated invoicing's delays, then the longest one for ever: a recurring invoice has no
    # Retry button, so it never gives up while its draft waits (deleting the draft stops it).
    delay = RETRY_DELAYS[min(document.attempts, len(RETRY_DELAYS)) - 1]
    document.next_attempt_at = now + delay
    document.save(update_fields=["attempts", "error", "next_attempt_at"])
    log.warning("recurring invoice %s: %s not sent: %s", document.recurring_id,
                document.period, reason)  # fmt: skip
    return document
