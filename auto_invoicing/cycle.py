"""A run of automated invoicing: gather each client's due charges into one document, then
draft it or send it. Resumable at any point, and exactly once (see ``models.py``).

A run has two steps, each safe to repeat after a crash:

1. **Bill.** Clients with due, unbilled charges are taken a batch at a time. One transaction
   locks their charges, writes one document per client and currency (its lines are the
   charges), the run's record of it, and marks the charges billed. A repeated batch finds the
   charges billed and the documents written, and does nothing.
2. **Send** (modes *Send invoices* and *Send payment links*). Each document waiting is sent
   with ``send_request``, which claims it, calls the platform with an idempotency key of our
   rows, and records the client's message in the commit that marks it sent. A platform error
   is recorded on that client's document and retried later; the other clients go on.
"""

from __future__ import annotations

import itertools
import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings as django_settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from auto_invoicing import calendar
from auto_invoicing.models import AutoInvoicing, Channel, InvoicingRun, Mode, RunDocument
from billing_saas.faults import crash_point
from billing_saas.refusals import ActionRefused
from charges.models import Charge
from charges.services import DOCUMENT_MAX
from payment_requests import live
from payment_requests.models import DocumentLine, LineTax, PaymentRequest, StatusChange
from payment_requests.services.common import current_tenant
from payment_requests.services.lines import LineDraft, document_fields, price
from payment_requests.totals import Rate, price_line
from tenants.schema import on_commit_here

log = logging.getLogger(__name__)
BATCH = 100  # clients billed per transaction
# A document the platform refused is tried again after these; then it waits for Retry.
RETRY_DELAYS = (
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=12),
)
# A run whose worker has not been heard from for this long is taken over (``tick``): as long
# as a Sending claim (STALE_SENDING_SECONDS), which the crash tests shorten for their workers.
# Taking over a run whose worker is only slow is safe: two workers on one run bill and send
# nothing twice.
STALLED_AFTER = timedelta(seconds=django_settings.STALE_SENDING_SECONDS)
NOTIFY_BY = {
    Channel.EMAIL: PaymentRequest.NotifyBy.EMAIL,
    Channel.SMS: PaymentRequest.NotifyBy.SMS,
    Channel.BOTH: PaymentRequest.NotifyBy.BOTH,
}
Run = InvoicingRun
Source = StatusChange.Source


# Starting runs ---------------------------------------------------------------------------


def start_scheduled_run(now: datetime | None = None) -> InvoicingRun | None:
    """The run of the period that has come, unless it exists (or another run is going on:
    the next tick tries again)."""
    now = now or timezone.now()
    settings = AutoInvoicing.current()
    if not settings.enabled:
        return None
    period = calendar.due_period(settings, now, current_tenant().tzinfo)
    if period is None or Run.objects.filter(trigger=Run.Trigger.SCHEDULE, period=period).exists():
        return None
    return _create(settings, Run.Trigger.SCHEDULE, period, period, now, None)


def start_manual_run(actor, now: datetime | None = None) -> InvoicingRun:
    """Run now: the same rules as a scheduled run, for what is due by today."""
    now = now or timezone.now()
    settings = AutoInvoicing.current()
    today = now.astimezone(current_tenant().tzinfo).date()
    run = _create(settings, Run.Trigger.MANUAL, None, today, now, actor)
    if run is None:
        raise ActionRefused(_("A run is in progress: wait for it to finish."))
    return run


def _create(settings, trigger, period, bill_until, now, actor) -> InvoicingRun | None:
    try:
        with transaction.atomic():
            run = Run.objects.create(
                trigger=trigger,
                period=period,
                bill_until=bill_until,
                cutoff=now,
                mode=settings.mode,
                channel=settings.channel,
                due_days=settings.due_days,
                started_by=actor,
                heartbeat_at=now,
            )
    except IntegrityError:  # this period's run exists, or another run is in progress
        return None
    schema_name = connection.schema_name
    run_pk = run.pk

    def queue():
        from auto_invoicing.tasks import process_run

        process_run.delay(schema_name, run_pk)

    on_commit_here(queue)
    return run


# Running ---------------------------------------------------------------------------------


def due_charges(run: InvoicingRun):
    """The charges ``run`` bills: unbilled, due by its day, added before it started, of
    clients it has not billed yet in that currency."""
    return Charge.objects.filter(
        state=Charge.State.UNBILLED,
        due_date__lte=run.bill_until,
        created_at__lte=run.cutoff,
    ).exclude(
        Exists(
            RunDocument.objects.filter(
                run=run, client=OuterRef("client"), currency=OuterRef("currency")
            )
        )
    )


def process(run_pk: int, now: datetime | None = None) -> InvoicingRun:
    """Bill, then send, then finish; from wherever a previous attempt stopped."""
    run = Run.objects.get(pk=run_pk)
    if run.status != Run.Status.RUNNING:
        return run
    after = 0
    while (after := bill_batch(run, after)) is not None:
        _beat(run)
    if run.mode != Mode.DRAFT:
        for document in RunDocument.objects.filter(run=run, state=RunDocument.State.BILLED):
            send_document(document.pk, now=now)
            _beat(run)
    return finish_if_done(run)


def bill_batch(run: InvoicingRun, after_client: int) -> int | None:
    """Bill the next ``BATCH`` clients (by id, after ``after_client``); the last one's id, or
    ``None`` when no client is left. The same queries whatever the number of charges."""
    clients = list(
        due_charges(run)
        .filter(client_id__gt=after_client)
        .order_by("client_id")
        .values_list("client_id", flat=True)
        .distinct()[:BATCH]
    )
    if not clients:
        return None
    try:
        _bill(run, clients)
    except IntegrityError:
        # Another worker on this run wrote one of these clients' documents meanwhile (a charge
        # it saw and the row locks did not cover): the whole batch was rolled back; taken
        # again, it leaves out the clients billed by then.
        _bill(run, clients)
    crash_point("after_documents")
    return clients[-1]


def _bill(run: InvoicingRun, clients: list[int]) -> None:
    with transaction.atomic():
        charges = list(
            due_charges(run)
            .filter(client_id__in=clients)
            .select_for_update(of=("self",))
            .select_related("product")
            .order_by("client_id", "currency", "due_date", "pk")
        )
        groups = [
            (key, list(rows))
            for key, rows in itertools.groupby(charges, key=lambda c: (c.client_id, c.currency))
        ]
        _write_documents(run, groups)
        live.changed()


def _write_documents(run: InvoicingRun, groups) -> None:
    """One draft per (client, currency) group: the request, its lines and their taxes, its
    history, the run's record, and the charges billed. A handful of INSERTs per batch."""
    if not groups:
        return
    rates = _product_rates({c.product_id for _key, rows in groups for c in rows if c.product_id})
    groups = [(key, _fitting(rows, key[1], rates)) for key, rows in groups]
    now = timezone.now()
    due_date = run.bill_until + timedelta(days=run.due_days)
    description = _("Charges due by %(date)s") % {
        "date": formats.date_format(run.bill_until, "DATE_FORMAT")
    }
    billing_type = (
        PaymentRequest.BillingType.PAYMENT_LINK
        if run.mode == Mode.PAYMENT_LINKS
        else PaymentRequest.BillingType.INVOICE
    )
    drafts, priced_groups, requests = [], [], []
    for (client_id, currency), rows in groups:
        lines = [
            LineDraft(
                description=charge.description,
                quantity=charge.quantity,
                unit_price=charge.unit_price,
                tax_rates=rates.get(charge.product_id, ()),
                unit=charge.product.unit if charge.product else "",
                product=charge.product,
            )
            for charge in rows
        ]
        priced = price(lines, currency)
        drafts.append(lines)
        priced_groups.append(priced)
        requests.append(
            PaymentRequest(
                kind=PaymentRequest.Kind.INVOICE,
                description=description,
                client_id=client_id,
                currency=currency,
                due_date=due_date,
                notify_by=NOTIFY_BY[run.channel],
                billing_type=billing_type,
                **document_fields(priced, currency),
            )
        )
    requests = PaymentRequest.objects.bulk_create(requests)
    line_rows = DocumentLine.objects.bulk_create(
        DocumentLine(
            request=request,
            position=position,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price.amount,
            discount=0,
            amount=line.amount.amount,
            unit=draft.unit,
            product=draft.product,
        )
        for request, lines, priced in zip(requests, drafts, priced_groups, strict=True)
        for position, (draft, line) in enumerate(zip(lines, priced, strict=True), start=1)
    )
    flat = [
        (draft, line)
        for lines, priced in zip(drafts, priced_groups, strict=True)
        for draft, line in zip(lines, priced, strict=True)
    ]
    LineTax.objects.bulk_create(
        LineTax(line=row, tax_rate=rate, name=tax.name, rate=tax.rate, amount=tax.amount.amount)
        for row, (draft, line) in zip(line_rows, flat, strict=True)
        for rate, tax in zip(draft.tax_rates, line.taxes, strict=True)
    )
    StatusChange.objects.bulk_create(
        StatusChange(
            request=request,
            to_status=PaymentRequest.Status.DRAFT,
            source=Source.AUTOMATION,
            note=gettext_noop("Created by automated invoicing from %(count)s charges"),
            note_params={"count": len(rows)},
        )
        for request, (_key, rows) in zip(requests, groups, strict=True)
    )
    state = RunDocument.State.DRAFTED if run.mode == Mode.DRAFT else RunDocument.State.BILLED
    RunDocument.objects.bulk_create(
        RunDocument(
            run=run,
            client_id=client_id,
            currency=currency,
            request=request,
            amount=request.amount,
            charges=len(rows),
            state=state,
        )
        for request, ((client_id, currency), rows) in zip(requests, groups, strict=True)
    )
    # Each charge goes to the run's document of its client and currency: one UPDATE whatever
    # the batch holds. (``bulk_update`` built a CASE branch per charge and field, three per
    # charge: half of a Draft-mode cycle's time, see ``make bench``'s cycle figures.)
    document = RunDocument.objects.filter(
        run=run, client=OuterRef("client_id"), currency=OuterRef("currency")
    )
    Charge.objects.filter(pk__in=[charge.pk for _key, rows in groups for charge in rows]).update(
        state=Charge.State.BILLED,
        request=Subquery(document.values("request")[:1]),
        billed_at=now,
    )


def _fitting(rows: list[Charge], currency: str, rates: dict) -> list[Charge]:
    """The charges, in order, whose total (taxes included) a document can hold: the rest wait
    for the next run, instead of one client's huge total failing the whole batch."""
    total, fitting = Decimal(0), []
    for charge in rows:
        line = price_line(
            charge.description,
            charge.quantity,
            charge.unit_price,
            currency,
            rates=tuple(Rate(rate.name, rate.rate) for rate in rates.get(charge.product_id, ())),
        )
        total += line.amount.amount + sum((tax.amount.amount for tax in line.taxes), Decimal(0))
        if total > DOCUMENT_MAX and fitting:
            log.warning("client %s: %s charges wait for the next run (total too large)",
                        charge.client_id, len(rows) - len(fitting))  # fmt: skip
            break
        fitting.append(charge)
    return fitting


def _product_rates(product_ids: set[int]) -> dict[int, tuple]:
    """Each product's active tax rates (one query), as ``line_from_product`` copies them."""
    if not product_ids:
        return {}
    from products.models import Product

    through = Product.tax_rates.through
    rates: dict[int, list] = {}
    for link in (
        through.objects.filter(product_id__in=product_ids, taxrate__active=True)
        .select_related("taxrate")
        .order_by("taxrate__name", "taxrate__rate", "taxrate__pk")
    ):
        rates.setdefault(link.product_id, []).append(link.taxrate)
    return {pk: tuple(found) for pk, found in rates.items()}


def send_document(document_pk: int, now: datetime | None = None) -> RunDocument:
    """Send one document of a run (or retry it); a refusal is recorded on it, not raised."""
    from payment_requests.services.sending import send_request

    document = RunDocument.objects.select_related("request").get(pk=document_pk)
    request = document.request
    if document.state in (RunDocument.State.SENT, RunDocument.State.WITHDRAWN):
        return document
    if request.deleted_at or request.status == PaymentRequest.Status.CANCELED:
        return _record(document, RunDocument.State.WITHDRAWN)
    if request.status not in (PaymentRequest.Status.DRAFT, PaymentRequest.Status.SENDING):
        return _record(document, RunDocument.State.SENT)  # sent meanwhile (by a team member)
    try:
        request = send_request(request.pk, actor=None, source=Source.AUTOMATION)
    except ActionRefused as refused:
        request.refresh_from_db(fields=["deleted_at", "status"])
        if request.deleted_at or request.status == PaymentRequest.Status.CANCELED:
            return _record(document, RunDocument.State.WITHDRAWN)  # withdrawn meanwhile
        return _failed(document, str(refused), now or timezone.now())
    if request.status in (PaymentRequest.Status.DRAFT, PaymentRequest.Status.SENDING):
        return document  # claimed by another worker: it finishes it, or a later pass does
    crash_point("before_email")
    return _record(document, RunDocument.State.SENT, note=_sms_note(request))


def _sms_note(request: PaymentRequest) -> str:
    """Why a client the run meant to text got the email only (no mobile, opted out): nobody
    clicked Send to be told, so the run's record of the client says it."""
    from payment_requests.services.channels import sms_problem, wants_sms

    if wants_sms(request) and (problem := sms_problem(request)):
        return _("No SMS: %(reason)s. The email was sent.") % {"reason": problem}
    return ""


def _record(document: RunDocument, state: str, note: str = "") -> RunDocument:
    document.state = state
    document.error = note
    document.next_attempt_at = None
    document.save(update_fields=["state", "error", "next_attempt_at", "updated_at"])
    return document


def _failed(document: RunDocument, reason: str, now: datetime) -> RunDocument:
    document.attempts += 1
    document.state = RunDocument.State.FAILED
    document.error = reason[:2000]
    delay = RETRY_DELAYS[document.attempts - 1] if document.attempts <= len(RETRY_DELAYS) else None
    document.next_attempt_at = now + delay if delay else None
    document.save(update_fields=["attempts", "state", "error", "next_attempt_at", "updated_at"])
    log.warning("run %s: client %s not sent: %s", document.run_id, document.client_id, reason)
    return document


def retry(document_pk: int, now: datetime | None = None) -> RunDocument:
    """Send a failed document again now (Retry on the runs page, or its time has come)."""
    with transaction.atomic():
        document = RunDocument.objects.select_for_update().get(pk=document_pk)
        if document.state != RunDocument.State.FAILED:
            return document
        document.state = RunDocument.State.BILLED
        document.save(update_fields=["state", "updated_at"])
    return send_document(document_pk, now=now)


def retry_due(now: datetime | None = None) -> int:
    """Failed documents whose next attempt has come; how many were tried."""
    now = now or timezone.now()
    due = list(
        RunDocument.objects.filter(
            state=RunDocument.State.FAILED, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )
    for pk in due:
        retry(pk, now=now)
    return len(due)


def finish_if_done(run: InvoicingRun) -> InvoicingRun:
    """Finished once every document is drafted, sent or failed (failures keep their retries)."""
    if RunDocument.objects.filter(run=run, state=RunDocument.State.BILLED).exists():
        return run
    if due_charges(run).exists():
        return run
    Run.objects.filter(pk=run.pk, status=Run.Status.RUNNING).update(
        status=Run.Status.FINISHED, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def _beat(run: InvoicingRun) -> None:
    Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())


def stalled_runs(now: datetime | None = None) -> list[int]:
    """Runs still going whose worker has not been heard from lately (it died)."""
    now = now or timezone.now()
    return list(
        Run.objects.filter(
            status=Run.Status.RUNNING, heartbeat_at__lt=now - STALLED_AFTER
        ).values_list("pk", flat=True)
    )
