"""Handing recorded messages over, exactly once, and keeping what became of them.

Every message is a ``Message`` row (``notify`` records it). A worker (``tasks.deliver_message``)
hands it over in three steps: it **claims** the row (status *sending*, committed), calls the
provider, then records the answer. So whatever crashes, nothing is sent twice and nothing is
lost:

- a task delivered twice (a broker's redelivery) finds the row claimed or finished: it sends
  nothing;
- a worker that died after the provider took the message and before recording it leaves a
  stale claim; the next attempt asks the provider first (``Channel.find_handed``: Twilio lists
  its messages) and records what it finds instead of sending again. A mail server cannot be
  asked: such an email is recorded as sent, with a note, rather than sent twice;
- a task that never ran (the broker was down) is found by the sweep (``sweep``), which runs
  every few minutes per account.

A provider's failure is retried after ``RETRY_DELAYS``; then the message is *failed* with the
reason, shown on its document's page and on the dashboard, with *Resend*.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.channels import CHANNELS, DeliveryFailed, Handed, Rendered, Unknown
from notifications.models import Message
from tenants.schema import on_commit_here

log = logging.getLogger(__name__)

# After a failed attempt the next one comes 1, 5, 15 minutes, then 1 and 3 hours later;
# after the last, the message is failed (and can be resent from its page).
RETRY_DELAYS = (60, 5 * 60, 15 * 60, 60 * 60, 3 * 60 * 60)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Longer than any provider call takes (each times out after 10 s): a claim this old belongs
# to a worker that died.
CLAIM_TIMEOUT = timedelta(minutes=2)
Status = Message.Status
# Where each status stands: a report never moves a message back (Twilio's callbacks may
# arrive out of order: ``delivered`` before ``sent``).
RANK = {
    Status.QUEUED: 0,
    Status.SENDING: 1,
    Status.SENT: 2,
    Status.DELIVERED: 3,
    Status.FAILED: 3,
    Status.BOUNCED: 3,
    Status.DROPPED: 3,
}
# Per document type, why one of its messages should no longer leave (``""``: it should):
# registered by the app that owns the document (payment_requests/apps.py).
OUTDATED_IF: dict[str, Callable[[Message], str]] = {}


def already_recorded(key: str) -> bool:
    return Message.objects.filter(key=key).exists()


def record(
    *,
    key: str | None,
    channel: str,
    purpose: str,
    to: str,
    recipient_name: str,
    rendered: Rendered,
    about: tuple[str, int] | None,
    client_id: int | None,
) -> Message | None:
    """The message's row, queued; ``None`` if a row under ``key`` exists already."""
    from connectors import secrets

    document_type, document_id = about or ("", None)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=key or "",
                channel=channel,
                purpose=purpose,
                to=to,
                recipient_name=recipient_name[:200],
                subject=rendered.subject[:998],
                document_type=document_type,
                document_id=document_id,
                client_id=client_id,
                content=secrets.encrypt(json.dumps(rendered.content)),
            )
            if not key:  # one of a kind: its own row's key
                message.key = f"message:{message.pk}"
                message.save(update_fields=["key"])
    except IntegrityError:
        return None
    return message


def deliver_after_commit(pk: int) -> None:
    on_commit_here(lambda: queue(pk))


def queue(pk: int, *, countdown: int = 0) -> None:
    """Hand the message to a worker; if none can be reached (broker down), try it here now
    (its retries then wait for the sweep)."""
    from notifications.tasks import deliver_message

    try:
        if countdown:
            deliver_message.apply_async((connection.schema_name, pk), countdown=countdown)
        else:
            deliver_message.delay(connection.schema_name, pk)
    except Exception:  # noqa: BLE001 - any failure to queue: deliver now instead
        if countdown:
            log.warning("could not queue message %s for later; the sweep will", pk)
            return
        log.warning("could not queue message %s; delivering now", pk)
        attempt(pk)


def attempt(pk: int, *, retry: bool = True) -> Message:
    """One attempt at handing message ``pk`` over (see the module's docstring). ``retry``:
    a failure is tried again later; without, it is final at once."""
    message, content = _claim(pk)
    if content is None:
        return message
    channel = CHANNELS[message.channel]
    try:
        handed = channel.deliver(message, content)
    except DeliveryFailed as failure:
        return _failed(message, failure, retry=retry)
    except Exception as error:  # noqa: BLE001 - a fault of ours: recorded, retried, not hidden
        log.exception("message %s: unexpected error while sending", message.pk)
        unexpected = DeliveryFailed(
            _("An unexpected error stopped the message (%(error)s); it will be tried again.")
            % {"error": type(error).__name__},
            retryable=True,
        )
        return _failed(message, unexpected, retry=retry)
    return _sent(message, handed)


def _claim(pk: int) -> tuple[Message, dict | None]:
    """Mark the message *sending* and commit, so that no other attempt hands it over too;
    returns its content, or ``None`` when there is nothing to send."""
    from connectors import secrets

    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=pk)
        if message.status not in (Status.QUEUED, Status.SENDING):
            return message, None  # sent, or finally failed: a duplicate task
        content = json.loads(secrets.decrypt(message.content)) if message.content else {}
        if message.status == Status.QUEUED and _dropped(message):
            return message, None
        if message.status == Status.SENDING:
            if message.claimed_at and message.claimed_at > now - CLAIM_TIMEOUT:
                # Another worker is on it: look again once its claim has run out.
                on_commit_here(lambda: queue(pk, countdown=int(CLAIM_TIMEOUT.total_seconds())))
                return message, None
            if _settled_after_crash(message, content):
                return message, None
        message.status = Status.SENDING
        message.claimed_at = now
        message.attempts += 1
        message.next_attempt_at = None
        message.save(update_fields=["status", "claimed_at", "attempts", "next_attempt_at"])
    return message, content


def _dropped(message: Message) -> bool:
    """Drop a message that would only mislead now (a pay link for a request paid meanwhile)."""
    check = OUTDATED_IF.get(message.document_type)
    reason = check(message) if check else ""
    if not reason:
        return False
    message.status = Status.DROPPED
    message.error = reason
    message.content = ""
    message.next_attempt_at = None
    message.save()
    log.info("message %s (%s) dropped: %s", message.pk, message.purpose, reason)
    return True


def _settled_after_crash(message: Message, content: dict) -> bool:
    """The claim is stale: its worker died mid-attempt. Ask the provider whether the message
    arrived; True if that settled it (recorded as sent), False to send it now."""
    channel = CHANNELS[message.channel]
    try:
        found = channel.find_handed(message, content)
    except Unknown:
        log.warning("message %s: an interrupted attempt's outcome is unknown", message.pk)
        _record_sent(
            message,
            Handed(),
            note=_(
                "The attempt was interrupted while the server was taking the message; it "
                "most likely arrived, so it was not sent again."
            ),
        )
        return True
    except DeliveryFailed as failure:  # the provider cannot be asked now: later
        message.status = Status.QUEUED
        message.error = str(failure)
        message.next_attempt_at = timezone.now() + timedelta(seconds=RETRY_DELAYS[0])
        message.save(update_fields=["status", "error", "next_attempt_at", "updated_at"])
        on_commit_here(lambda: queue(message.pk, countdown=RETRY_DELAYS[0]))
        return True
    if found is None:
        log.info("message %s: the interrupted attempt never arrived; sending", message.pk)
        return False
    log.info("message %s: the interrupted attempt had arrived (%s)", message.pk, found.provider_id)
    _record_sent(message, found)
    return True


def _sent(message: Message, handed: Handed) -> Message:
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        _record_sent(message, handed)
    return message


def _record_sent(message: Message, handed: Handed, note: str = "") -> None:
    if RANK[message.status] >= RANK[Status.SENT]:
        return  # a status callback came first
    message.status = Status.SENT
    message.provider_id = handed.provider_id or message.provider_id
    message.sent_at = timezone.now()
    message.error = note
    # Gone once it left for good: the text carries links that only its reader may hold.
    if not CHANNELS[message.channel].reports_delivery:
        message.content = ""
    message.save()


def _failed(message: Message, failure: DeliveryFailed, *, retry: bool) -> Message:
    now = timezone.now()
    last = not (retry and failure.retryable) or message.attempts >= MAX_ATTEMPTS
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        message.error = str(failure)
        if last:
            message.status = Status.BOUNCED if failure.bounced else Status.FAILED
            message.failed_at = now
            log.error("message %s (%s) failed: %s", message.pk, message.purpose, failure)
        else:
            delay = RETRY_DELAYS[message.attempts - 1]
            message.status = Status.QUEUED
            message.next_attempt_at = now + timedelta(seconds=delay)
            log.warning(
                "message %s (%s) not sent, attempt %s; again in %s s: %s",
                message.pk,
                message.purpose,
                message.attempts,
                delay,
                failure,
            )
            on_commit_here(lambda: queue(message.pk, countdown=delay))
        message.save()
    return message


def apply_report(message: Message, status: str, error: str = "") -> bool:
    """A provider's report on a message (a Twilio status callback): moves it forward only;
    True if it changed. The caller holds the row locked."""
    if RANK[status] <= RANK[message.status] and message.status != Status.SENDING:
        return False
    now = timezone.now()
    message.status = status
    if status == Status.SENT:
        message.sent_at = message.sent_at or now
    elif status == Status.DELIVERED:
        message.delivered_at = now
        message.sent_at = message.sent_at or now
    else:
        message.failed_at = now
        message.error = error
    if status == Status.DELIVERED:
        message.content = ""  # it arrived; a failed one keeps it for *Resend*
    message.save()
    return True


def resend(message: Message) -> bool:
    """Queue a failed or bounced message again (*Resend*); False if it cannot be."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if not message.can_resend:
            return False
        message.status = Status.QUEUED
        message.attempts = 0
        message.error = ""
        message.failed_at = None
        message.provider_id = ""
        message.save()
        deliver_after_commit(message.pk)
    log.info("message %s (%s) resent by hand", message.pk, message.purpose)
    return True


def sweep() -> int:
    """Queue what no task will: messages whose retry time has passed, claims of dead workers,
    messages whose first task never reached a worker. Returns how many were queued."""
    now = timezone.now()
    due = (
        Message.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now - CLAIM_TIMEOUT)
        | Message.objects.filter(
            status=Status.QUEUED, next_attempt_at__isnull=True, created_at__lte=now - CLAIM_TIMEOUT
        )
        | Message.objects.filter(status=Status.SENDING, claimed_at__lte=now - CLAIM_TIMEOUT)
    )
    pks = list(due.values_list("pk", flat=True)[:500])
    for pk in pks:
        queue(pk)
    return len(pks)
