"""Auto-bill: a recurring invoice's cycle charged to the client's default saved card.

A cycle made while auto-bill is on (``RecurringDocument.auto_bill``) is due for its first try
as soon as it is sent; a try that does not pay emails the client the invoice's pay link with
the reason and is followed by another after each of ``AUTO_CHARGE_RETRY_DAYS``; after the last
one the invoice stays open, reminded as any other. Paid by any means, no further try is made.

**One charge attempt per try**, whatever the crashes, retries and concurrent runs:

1. **Claim.** One transaction locks the document's row, checks that its next charge is due,
   and writes the try's ``ChargeAttempt`` (unique per request and number,
   ``one_charge_attempt_per_try``) with an idempotency key made of our rows; it moves
   ``next_charge_at`` past the claim's lifetime, so a second run waits for the lock, then
   finds nothing due.
2. **Charge**, outside the transaction, with that key.
3. **Record** the outcome, the next try and the client's email in one transaction. A worker
   that dies between 1 and 3 leaves the attempt pending: once the claim is stale, the next
   run charges the same try again under the same key, and the platform answers what it
   answered the first time, never charging twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from billing_saas.faults import crash_point
from connectors import remote_state
from connectors.base import ChargeOutcome, PlatformError
from connectors.models import RemoteObject
from connectors.registry import platform_for
from payment_requests import states
from payment_requests.models import PaymentRequest, StatusChange
from payment_requests.services.emails import email_later
from payment_requests.services.links import link_url, new_link
from recurring.models import ChargeAttempt, RecurringDocument
from tenants.schema import on_commit_here

log = logging.getLogger(__name__)
Outcome = ChargeAttempt.Outcome
# A claim not heard from for this long was left by a worker that died (or a platform that
# could not be reached): the same try is made again, under the same key.
STALE_CLAIM = timedelta(seconds=settings.STALE_SENDING_SECONDS)
REFUSED_AGAIN_AFTER = timedelta(days=1)


def tries() -> int:
    return len(settings.AUTO_CHARGE_RETRY_DAYS) + 1


def due(now: datetime) -> list[int]:
    """Auto-billed documents whose invoice is sent, unpaid, and due for a try."""
    return list(
        RecurringDocument.objects.filter(
            next_charge_at__lte=now,
            request__status__in=PaymentRequest.OPEN_STATUSES,
            request__remote__isnull=False,
        )
        .order_by("next_charge_at", "pk")
        .values_list("pk", flat=True)
    )


def run_due(now: datetime | None = None) -> dict:
    """What beat runs every five minutes per account: every try whose time has come."""
    now = now or timezone.now()
    outcomes = []
    for pk in due(now):
        try:
            attempt = charge(pk, now)
        except Exception:  # noqa: BLE001 - logged; one broken invoice must not stop the others
            log.exception("recurring document %s: not charged", pk)
            continue
        if attempt is not None:
            outcomes.append(attempt.outcome)
    return {"charged": outcomes}


def charge(pk: int, now: datetime) -> ChargeAttempt | None:
    """Make the document's due try; ``None`` when nothing is due (another run made it)."""
    attempt = _claim(pk, now)
    if attempt is None:
        return None
    request = attempt.request
    crash_point("autocharge_after_claim")
    try:
        outcome = platform_for(request.connection).charge_saved_method(
            request.remote.remote_id, attempt.idempotency_key
        )
    except PlatformError as error:
        # Not the bank's answer: the try stays pending and is made again under the same key,
        # once the claim is stale (an outage), or a day later (a refusal a person may fix).
        ChargeAttempt.objects.filter(pk=attempt.pk).update(message=error.message[:2000])
        if not error.retryable:
            RecurringDocument.objects.filter(request=request).update(
                next_charge_at=now + REFUSED_AGAIN_AFTER
            )
        log.warning("request %s: try %s not made: %s", request.pk, attempt.number, error)
        attempt.message = error.message
        return attempt
    crash_point("autocharge_after_charge")
    return _record(attempt.pk, outcome, now)


def _claim(pk: int, now: datetime) -> ChargeAttempt | None:
    with transaction.atomic():
        document = RecurringDocument.objects.select_for_update().get(pk=pk)
        if document.next_charge_at is None or document.next_charge_at > now:
            return None
        request = PaymentRequest.objects.select_related("connection", "remote").get(
            pk=document.request_id
        )
        last = request.charge_attempts.order_by("-number").first()
        if request.status not in PaymentRequest.OPEN_STATUSES or (
            last is not None and last.outcome != Outcome.PENDING and last.number >= tries()
        ):
            document.next_charge_at = None  # paid, canceled, or its last try made
            document.save(update_fields=["next_charge_at"])
            return None
        if last is not None and last.outcome == Outcome.PENDING:
            attempt = last  # a try claimed but never finished: made again, same key
        else:
            number = last.number + 1 if last else 1
            # The unique (request, number) holds even if the row lock above were bypassed.
            attempt = ChargeAttempt.objects.create(
                request=request,
                number=number,
                idempotency_key=f"request:{request.pk}:autocharge:{number}",
                attempted_at=now,
            )
        document.next_charge_at = now + STALE_CLAIM
        document.save(update_fields=["next_charge_at"])
    attempt.request = request
    return attempt


def _record(attempt_pk: int, outcome: ChargeOutcome, now: datetime) -> ChargeAttempt:
    with transaction.atomic():
        attempt = ChargeAttempt.objects.select_for_update().get(pk=attempt_pk)
        if attempt.outcome != Outcome.PENDING:
            return attempt  # recorded already by a run that took over this try
        request = PaymentRequest.objects.select_related("connection").get(pk=attempt.request_id)
        attempt.outcome, attempt.message = outcome.outcome, outcome.message[:2000]
        attempt.attempted_at = now
        if outcome.outcome != Outcome.PAID and attempt.number < tries():
            delay = settings.AUTO_CHARGE_RETRY_DAYS[attempt.number - 1]
            attempt.next_try_at = now + timedelta(days=delay)
        attempt.save()
        RecurringDocument.objects.filter(request=request).update(next_charge_at=attempt.next_try_at)
        if outcome.outcome == Outcome.PAID:
            _paid(request, outcome)
        else:
            _not_paid(request, attempt)
    return attempt


def _paid(request: PaymentRequest, outcome: ChargeOutcome) -> None:
    """The platform's answer moves the request forward now (its events, applied later, find it
    Paid already: a payment is recorded once, by the platform's payment id)."""
    from payment_requests.services.platform_changes import apply_remote_change

    states.note(request, StatusChange.Source.AUTOMATION, gettext_noop("Charged to the saved card"))
    if outcome.invoice is not None:
        obj = remote_state.record(request.connection, RemoteObject.Kind.INVOICE, outcome.invoice)
        on_commit_here(lambda: apply_remote_change(obj))


def _not_paid(request: PaymentRequest, attempt: ChargeAttempt) -> None:
    """The client is emailed the invoice's pay link and why (in the transaction that records
    the outcome: recorded once, with it)."""
    states.note(
        request,
        StatusChange.Source.AUTOMATION,
        gettext_noop("Card not charged (try %(number)s): %(reason)s"),
        number=attempt.number,
        reason=attempt.message,
    )
    context = {"outcome": attempt.outcome, "reason": attempt.message,
               "next_try_at": attempt.next_try_at}  # fmt: skip
    email_later(request.pk, "charge_failed", link_url(request, new_link(request)), context)
