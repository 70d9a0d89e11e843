"""Writing recurring invoices and moving them between Active, Paused and Finished.

Each operation holds the recurring invoice's row lock, the same lock the engine
(``recurring/engine.py``) holds while it makes a cycle's invoice, so a save, a pause or a stop
never races a cycle: it lands before the cycle (which then follows it) or after it.

Pausing skips: a recurring invoice resumed after some of its send dates went by does not
catch those up; it goes on with the next send date still to come. (A worker that was down is
different: ``engine.py`` catches up every period it missed, oldest first.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from billing_saas.refusals import ActionRefused
from payment_requests.services.common import check_amount, current_tenant
from payment_requests.services.lines import LineDraft, document_fields, price, write_lines
from recurring import calendar
from recurring.models import RecurringDocument, RecurringInvoice, RecurringLine, RecurringLineTax

Status = RecurringInvoice.Status
EDITABLE = ("client", "currency", "description", "frequency", "start_on", "hour", "due_days",
            "cycles", "auto_bill")  # fmt: skip


def account_today(now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now(), current_tenant().tzinfo)


def lock(pk: int) -> RecurringInvoice:
    return RecurringInvoice.objects.select_for_update(of=("self",)).get(pk=pk)


def create_recurring(*, actor, lines: Sequence[LineDraft], **fields) -> RecurringInvoice:
    """An active recurring invoice; its first cycle is its start date (today's goes out at
    the next tick once its hour has passed)."""
    _check_start(fields["start_on"])
    priced, totals = _priced(lines, fields.get("currency", "EUR"))
    with transaction.atomic():
        recurring = RecurringInvoice(created_by=actor, **totals, **fields)
        recurring.next_send_on = recurring.start_on
        recurring.save()
        _save_lines(recurring, lines, priced)
    return recurring


def update_recurring(pk: int, *, lines: Sequence[LineDraft], **fields) -> RecurringInvoice:
    """New values and lines. The next send date is the first period of the (new) schedule
    from today on that is later than every period already invoiced; invoices already made
    keep their own lines."""
    with transaction.atomic():
        recurring = lock(pk)
        if recurring.status == Status.FINISHED:
            raise ActionRefused(_("This recurring invoice is finished: it can no longer change."))
        cycles = fields.get("cycles", recurring.cycles)
        if cycles is not None and cycles <= recurring.cycles_done:
            raise ActionRefused(
                _("It has already sent %(count)s invoices: ask for more than that, or stop it.")
                % {"count": recurring.cycles_done}
            )
        if fields.get("start_on", recurring.start_on) != recurring.start_on:
            _check_start(fields["start_on"])
        for name in EDITABLE:
            if name in fields:
                setattr(recurring, name, fields[name])
        priced, totals = _priced(lines, recurring.currency)
        for name, value in totals.items():
            setattr(recurring, name, value)
        if recurring.status == Status.ACTIVE:
            recurring.next_send_on = _next_from(recurring, account_today())
        recurring.save()
        _save_lines(recurring, lines, priced)
    return recurring


def pause(pk: int) -> RecurringInvoice:
    with transaction.atomic():
        recurring = lock(pk)
        if recurring.status == Status.ACTIVE:
            recurring.status = Status.PAUSED
            recurring.save(update_fields=["status", "updated_at"])
    return recurring


def resume(pk: int, now: datetime | None = None) -> RecurringInvoice:
    """Active again from the next send time still to come (the paused ones are skipped)."""
    now = now or timezone.now()
    with transaction.atomic():
        recurring = lock(pk)
        if recurring.status != Status.PAUSED:
            return recurring
        next_on = _next_from(recurring, account_today(now))
        if calendar.send_time(recurring, next_on, current_tenant().tzinfo) <= now:
            next_on = calendar.period_after(recurring.start_on, recurring.frequency, next_on)
        recurring.status = Status.ACTIVE
        recurring.next_send_on = next_on
        recurring.save(update_fields=["status", "next_send_on", "updated_at"])
    return recurring


def stop(pk: int) -> RecurringInvoice:
    """Finished now: no further invoice (those already made stay as they are)."""
    with transaction.atomic():
        recurring = lock(pk)
        if recurring.status != Status.FINISHED:
            recurring.status = Status.FINISHED
            recurring.next_send_on = None
            recurring.save(update_fields=["status", "next_send_on", "updated_at"])
    return recurring


def _next_from(recurring: RecurringInvoice, today: date) -> date:
    last = RecurringDocument.objects.filter(recurring=recurring).aggregate(last=Max("period"))
    after = max(today, last["last"] + timedelta(days=1)) if last["last"] else today
    return calendar.first_period_from(recurring.start_on, recurring.frequency, after)


def _check_start(start_on: date) -> None:
    if start_on < account_today():
        raise ActionRefused(_("The start date cannot be in the past."))


def _priced(lines, currency: str):
    priced = price(lines, currency)
    sums = document_fields(priced, currency)
    check_amount(sums["amount"], currency)
    return priced, {
        "total": sums["amount"],
        "subtotal": sums["subtotal"],
        "tax_total": sums["tax_total"],
    }


def _save_lines(recurring: RecurringInvoice, lines, priced) -> None:
    write_lines(
        recurring.lines, RecurringLine, RecurringLineTax, {"recurring": recurring}, lines, priced
    )
