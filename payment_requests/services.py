"""What employees do with payment requests, and what the platform tells us about them.

Every status change goes through ``_move`` (one row of history each). Money and status
changes run in transactions; platform calls run outside them, between a claim
(DRAFT → SENDING) and a result, so a double click or two tabs never send twice.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing_saas import languages
from connectors import remote_state
from connectors.base import (
    ClientRef,
    InvoiceRequest,
    Money,
    PlatformError,
    RemoteInvoice,
    RemoteStatus,
)
from connectors.models import Connection, RemoteObject
from connectors.money import minor_units
from connectors.registry import platform_for
from payment_requests.models import (
    NumberSequence,
    PaymentRequest,
    PlatformCustomer,
    Reminder,
    RequestLink,
    StatusChange,
)
from tenants.schema import on_commit_here
from tenants.urls_helpers import account_url

log = logging.getLogger(__name__)
Status = PaymentRequest.Status
STALE_SENDING = timedelta(minutes=2)


class ActionRefused(Exception):
    """The action cannot be done; ``message`` says why, for the person who tried."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---- helpers ---------------------------------------------------------------------------------
FINAL_STATUSES = (Status.PAID, Status.CANCELED, Status.EXPIRED)


def _move(
    request: PaymentRequest, to: str, source: str, actor=None, note: str = "", **note_params
) -> None:
    """Move ``request`` to ``to`` and record it; ``note`` is an English message marked with
    ``gettext_noop`` and ``note_params`` its values (the history translates it when read)."""
    if request.status == to and not note:
        return
    if to in FINAL_STATUSES:
        # A declined card or a refused void no longer matters once the request is settled.
        request.last_error = ""
        request.payment_failure = ""
    StatusChange.objects.create(
        request=request,
        from_status=request.status,
        to_status=to,
        source=source,
        actor=actor,
        note=note,
        note_params=note_params,
    )
    request.status = to


def _lock(pk: int) -> PaymentRequest:
    return (
        PaymentRequest.objects.select_for_update(of=("self",)).select_related("client").get(pk=pk)
    )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_amount(amount, currency: str) -> None:
    """Refuses amounts the currency cannot carry (12.5 JPY) or that are not positive."""
    if amount is None or amount <= 0:
        raise ActionRefused(_("The amount must be greater than zero."))
    try:
        minor_units(amount, currency)
    except ValueError:
        raise ActionRefused(
            _("%(currency)s amounts cannot have that many decimals.") % {"currency": currency}
        ) from None


def default_connection() -> Connection | None:
    """Where new requests go: the connection chosen at installation (or in the settings);
    failing that, the newest usable one. Requests already sent keep theirs."""
    from tenants.catalog.services import installation

    chosen = installation("client-billing")
    if chosen and chosen.connection and chosen.connection.is_usable:
        return chosen.connection
    return (
        Connection.objects.filter(status=Connection.Status.CONNECTED)
        .order_by("-created_at")
        .first()
    )


# ---- drafts -----------------------------------------------------------------------------------
def create_request(*, actor, **fields) -> PaymentRequest:
    check_amount(fields.get("amount"), fields.get("currency", "EUR"))
    with transaction.atomic():
        request = PaymentRequest(created_by=actor, **fields)
        request.save()
        StatusChange.objects.create(
            request=request,
            to_status=Status.DRAFT,
            source=StatusChange.Source.USER,
            actor=actor,
            note=gettext_noop("Created"),
        )
    return request


def update_draft(pk: int, *, actor, **fields) -> PaymentRequest:
    """Edit a request; once sent, amount, client, due date and currency are locked."""
    with transaction.atomic():
        request = _lock(pk)
        if request.deleted_at:
            raise ActionRefused(_("This request was deleted."))
        locked = [
            name
            for name in PaymentRequest.LOCKED_FIELDS
            if name in fields and _value(request, name) != _value_of(fields[name])
        ]
        if request.is_locked and locked:
            raise ActionRefused(
                _(
                    "This request was sent: its amount, client, due date and currency can no "
                    "longer change. Cancel it and create a new one instead."
                )
            )
        if not request.is_locked:
            check_amount(
                fields.get("amount", request.amount), fields.get("currency", request.currency)
            )
        for name, value in fields.items():
            setattr(request, name, value)
        request.save()
    return request


def _value(request, name):
    return request.client_id if name == "client" else getattr(request, name)


def _value_of(value):
    return getattr(value, "pk", value)


# ---- send -------------------------------------------------------------------------------------
def send_request(pk: int, *, actor, request_host=None) -> PaymentRequest:
    """Create the platform invoice (or link), number the request, email the client. Once."""
    with transaction.atomic():
        request = _lock(pk)
        stale = (
            request.status == Status.SENDING
            and request.sending_since
            and request.sending_since < timezone.now() - STALE_SENDING
        )
        if request.status != Status.DRAFT and not stale:
            return request  # already sent (or being sent by another click): nothing twice
        if request.deleted_at:
            raise ActionRefused(_("This request was deleted."))
        connection = request.connection if stale else default_connection()
        if connection is None or not connection.is_usable:
            raise ActionRefused(_("Connect a payment platform before sending requests."))
        request.connection = connection
        request.sending_since = timezone.now()
        # Numbered at the claim so the platform shows our number too. A retry (after a refusal
        # or a crash) keeps it: one number per request, never two, and none skipped.
        request.number = request.number or _next_number()
        _move(request, Status.SENDING, StatusChange.Source.USER, actor)
        request.save()

    try:
        remote, kind = _create_on_platform(request, connection)
    except PlatformError as error:
        with transaction.atomic():
            request = _lock(pk)
            request.last_error = error.message
            if not error.retryable:
                request.send_attempt += 1  # a corrected retry must not replay the refusal
            request.sending_since = None
            _move(
                request,
                Status.DRAFT,
                StatusChange.Source.PLATFORM,
                note=gettext_noop("Not sent: %(error)s"),
                error=error.message,
            )
            request.save()
        raise ActionRefused(error.message) from error

    with transaction.atomic():
        request = _lock(pk)
        obj = remote_state.record(connection, kind, remote, local_ref=str(request.pk))
        request.remote = obj
        request.sent_at = timezone.now()
        request.sending_since = None
        request.last_error = ""
        _move(
            request,
            Status.SENT,
            StatusChange.Source.USER,
            actor,
            note=gettext_noop("Sent to %(email)s"),
            email=request.client.email,
        )
        request.save()
        token = _new_link(request)
        url = _link_url(request, token, request_host)
        on_commit_here(lambda: _email_request(request.pk, url))
        # Events the worker applied before this commit could not find the request yet.
        on_commit_here(lambda: apply_remote_change(obj))
    return request


def _create_on_platform(request: PaymentRequest, connection: Connection
                        ) -> tuple[RemoteInvoice, str]:  # fmt: skip
    platform = platform_for(connection)
    client = request.client
    known = PlatformCustomer.objects.filter(client=client, connection=connection).first()
    ref = ClientRef(
        client.pk,
        str(client),
        client.email,
        known.remote_id if known else "",
        language=languages.client_language(client),
    )
    customer_id = platform.ensure_customer(ref)
    if known is None or known.remote_id != customer_id:
        PlatformCustomer.objects.update_or_create(
            client=client, connection=connection, defaults={"remote_id": customer_id}
        )
    invoice = InvoiceRequest(
        local_id=request.pk,
        idempotency_key=f"request:{request.pk}:send:{request.send_attempt}",
        number=request.number,
        description=request.description,
        total=Money(request.amount, request.currency),
        due_date=request.due_date,
        client=ClientRef(
            client.pk,
            str(client),
            client.email,
            customer_id,
            language=languages.client_language(client),
        ),
        attachment_links=(),
        metadata={"kind": request.kind},
    )
    if request.billing_type == PaymentRequest.BillingType.PAYMENT_LINK:
        link = platform.create_payment_link(
            invoice,
            request.success_url or account_url_for_thanks(request),
            request.cancel_url or account_url_for_thanks(request),
        )
        return RemoteInvoice(
            remote_id=link.remote_id,
            status=RemoteStatus.OPEN,
            amount_due=invoice.total,
            amount_paid=Money(request.amount * 0, request.currency),
            pay_url=link.url,
            pay_url_expires_at=link.expires_at,
        ), RemoteObject.Kind.PAYMENT_LINK
    return platform.create_and_send_invoice(invoice), RemoteObject.Kind.INVOICE


def current_tenant():
    """The account whose schema is active (a request's, a task's or a ``schema_context``'s)."""
    from django.db import connection as db

    from tenants.models import Tenant

    tenant = getattr(db, "tenant", None)
    if isinstance(tenant, Tenant):
        return tenant
    return Tenant.objects.get(schema_name=db.schema_name)


def account_url_for_thanks(request: PaymentRequest) -> str:
    return account_url(current_tenant(), reverse("payment_requests:thanks"))


def _next_number() -> str:
    """The next number of the account's gapless sequence; the caller's transaction holds the
    sequence row until it commits, so concurrent sends never share or skip a number."""
    sequence = NumberSequence.objects.select_for_update().order_by("pk").first()
    if sequence is None:
        sequence = NumberSequence.objects.create()
        sequence = NumberSequence.objects.select_for_update().get(pk=sequence.pk)
    number = f"{sequence.prefix}{sequence.next_value:05d}"
    sequence.next_value += 1
    sequence.save(update_fields=["next_value"])
    return number


def _new_link(request: PaymentRequest) -> str:
    token = secrets.token_urlsafe(32)  # 256 bits; only its hash is stored
    RequestLink.objects.create(
        request=request, recipient=request.client.email, token_hash=hash_token(token)
    )
    return token


def _link_url(request: PaymentRequest, token: str, request_host=None) -> str:
    return account_url(
        current_tenant(), reverse("payment_requests:public_link", args=[token]), request_host
    )


def _revoke_links(request: PaymentRequest) -> None:
    request.links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


# ---- reminders, cancel, delete ----------------------------------------------------------------
def remind(pk: int, *, actor=None, step: str = "", request_host=None) -> bool:
    """Email the client a reminder; an automatic ``step`` is sent at most once."""
    with transaction.atomic():
        request = _lock(pk)
        if not request.can_be_reminded:
            raise ActionRefused(_("Only sent, unpaid requests can be reminded."))
        step = step or f"manual-{timezone.now():%Y%m%d%H%M%S%f}"
        if Reminder.objects.filter(request=request, step=step).exists():
            return False
        Reminder.objects.create(request=request, step=step, sent_by=actor)
        # Our email is the reminder. The platforms' own "send again" (Stripe's /send,
        # QuickBooks' send) would email the client a second time, so they are not asked.
        token = _new_link(request)
        url = _link_url(request, token, request_host)
        on_commit_here(lambda: _email(request.pk, "reminder", url))
    return True


def cancel_request(pk: int, *, actor) -> PaymentRequest:
    with transaction.atomic():
        request = _lock(pk)
        if request.status == Status.CANCELED:
            return request
        if request.status == Status.PAID:
            raise ActionRefused(_("This request is paid and cannot be canceled."))
        if request.status == Status.SENDING:
            raise ActionRefused(_("This request is being sent; try again in a moment."))
    was_sent = request.remote is not None
    if was_sent:
        try:
            platform = platform_for(request.connection)
            if request.remote.kind == RemoteObject.Kind.PAYMENT_LINK:
                remote = platform.expire_payment_link(request.remote.remote_id)
            else:
                remote = platform.void(request.remote.remote_id)
        except PlatformError as error:
            with transaction.atomic():
                request = _lock(pk)
                request.last_error = error.message
                request.save(update_fields=["last_error"])
            raise ActionRefused(error.message) from error
    with transaction.atomic():
        request = _lock(pk)
        if was_sent:
            remote_state.record(request.connection, request.remote.kind, remote)
        if request.status == Status.PAID:  # paid while we were canceling
            raise ActionRefused(_("This request was paid meanwhile and cannot be canceled."))
        request.canceled_at = timezone.now()
        _move(request, Status.CANCELED, StatusChange.Source.USER, actor)
        request.save()
        _revoke_links(request)
        if was_sent:
            on_commit_here(lambda: _email(request.pk, "canceled", ""))
    return request


def delete_request(pk: int, *, actor, confirm_open: bool = False) -> PaymentRequest:
    """Hide the request from the dashboard (history kept). A sent request that the client
    could still pay needs ``confirm_open``: deleting does not cancel it on the platform, and
    its emailed link keeps working (a payment still marks it paid and brings it back)."""
    with transaction.atomic():
        request = _lock(pk)
        if request.deleted_at:
            return request
        if request.is_payable and not confirm_open:
            raise ActionRefused(
                _(
                    "This request was sent and can still be paid: deleting it does not cancel it. "
                    "Cancel it first, or confirm that you want to delete it anyway."
                )
            )
        request.deleted_at = timezone.now()
        if request.is_payable:  # still open on the platform: its status stays what it is
            _move(
                request,
                request.status,
                StatusChange.Source.USER,
                actor,
                note=gettext_noop("Deleted; the client can still pay it through the emailed link"),
            )
        else:
            _move(request, Status.DELETED, StatusChange.Source.USER, actor)
            _revoke_links(request)
        request.save()
    return request


# ---- from the platform --------------------------------------------------------------------------
def apply_remote_change(remote_object: RemoteObject, payment=None, changes=()) -> None:
    """A webhook or reconciliation moved the remote invoice/link: mirror it here."""
    from payment_requests.models import Payment

    with transaction.atomic():
        request = (
            PaymentRequest.objects.select_for_update(of=("self",))
            .select_related("client")
            .filter(remote=remote_object)
            .first()
        )
        if request is None:
            return
        remote_object.refresh_from_db()
        if payment is not None:
            Payment.objects.get_or_create(
                remote_payment=payment,
                defaults={
                    "request": request,
                    "amount": payment.amount,
                    "currency": payment.currency,
                    "method": payment.method,
                    "paid_at": payment.paid_at,
                },
            )
        request.amount_paid = max(request.amount_paid, remote_object.amount_paid)
        status = RemoteStatus(remote_object.status)
        newly_paid = False
        if status == RemoteStatus.PAID and request.status != Status.PAID:
            request.paid_at = timezone.now()
            _move(
                request,
                Status.PAID,
                StatusChange.Source.PLATFORM,
                note=gettext_noop("Payment received"),
            )
            newly_paid = True
            if request.deleted_at:  # money arrived: it belongs on the dashboard and its totals
                request.deleted_at = None
                _move(
                    request,
                    Status.PAID,
                    StatusChange.Source.PLATFORM,
                    note=gettext_noop("Paid after it was deleted: back on the dashboard"),
                )
        elif status == RemoteStatus.EXPIRED and request.status in PaymentRequest.OPEN_STATUSES:
            _move(
                request,
                Status.EXPIRED,
                StatusChange.Source.PLATFORM,
                note=gettext_noop("The payment link expired"),
            )
            _revoke_links(request)
        elif status == RemoteStatus.VOID and request.status in PaymentRequest.OPEN_STATUSES:
            request.canceled_at = timezone.now()
            _move(
                request,
                Status.CANCELED,
                StatusChange.Source.PLATFORM,
                note=gettext_noop("Voided on the payment platform"),
            )
            _revoke_links(request)
        if "failure" in changes and request.status in PaymentRequest.OPEN_STATUSES:
            request.payment_failure = remote_object.last_failure[:300]
            StatusChange.objects.create(
                request=request,
                from_status=request.status,
                to_status=request.status,
                source=StatusChange.Source.CLIENT,
                note=gettext_noop("Payment failed: %(reason)s"),
                note_params={"reason": remote_object.last_failure},
            )
        if remote_object.needs_attention:
            request.last_error = remote_object.attention_note
        request.save()
        if newly_paid:
            on_commit_here(lambda: _email_paid(request.pk))


# ---- emails ---------------------------------------------------------------------------------
def _context(request: PaymentRequest, url: str = "") -> dict:
    from payment_requests.models import BillingSettings

    branding = BillingSettings.current()
    tenant = current_tenant()
    logo = ""
    if branding.logo:
        logo = account_url(tenant, reverse("payment_requests:brand_logo"))
    return {
        "request": request,
        "client": request.client,
        "account_name": tenant.name,
        "link_url": url,
        "attachments": list(request.attachments.all()),
        "brand_color": branding.brand_color,
        "brand_logo_url": logo,
        "from_email": _sender(branding.sender_name or tenant.name),
    }


def _sender(name: str) -> str:
    from email.utils import formataddr, parseaddr

    from django.conf import settings

    _default_name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((name, address))


# What a mail server or the network raise when a message does not go out (SMTPException and
# ConnectionError are OSErrors; named for the reader).
EMAIL_FAILURES = (smtplib.SMTPException, ConnectionError, OSError)
# After a failed first attempt the worker tries again 1, 5, 15 and 60 minutes later.
EMAIL_RETRY_DELAYS = (60, 5 * 60, 15 * 60, 60 * 60)


def _email_request(pk: int, url: str) -> None:
    _email(pk, "request", url)


def _email_paid(pk: int) -> None:
    """The client's and the creator's confirmations leave in a task of their own: applying
    the platform's event never waits for rendering or for the mail server. If the task
    cannot be queued (broker down), they are sent here rather than lost."""
    from django.db import connection as db

    from payment_requests.tasks import send_email

    try:
        send_email.delay(db.schema_name, pk, "paid", "")
    except Exception:  # noqa: BLE001 - any failure to queue: send now instead
        log.warning("could not queue the paid emails of request %s; sending now", pk)
        _email(pk, "paid", "")


def send_email(pk: int, template: str, url: str) -> None:
    """Send now; if the mail server fails, a worker tries again later (``retry_email``)."""
    _email(pk, template, url)


def _email(pk: int, template: str, url: str) -> None:
    """Send now (after the commit); if the mail server fails, a worker tries again later."""
    try:
        deliver_email(pk, template, url)
    except EMAIL_FAILURES as error:
        log.warning("%s email of request %s not sent (%r); retrying later", template, pk, error)
        from payment_requests.tasks import retry_email

        try:
            # The pay link's URL travels only in this task message: its token is stored
            # hashed, so nothing else could rebuild the very link the first attempt carried.
            retry_email.apply_async(
                (current_tenant().schema_name, pk, template, url),
                countdown=EMAIL_RETRY_DELAYS[0],
            )
        except Exception:  # noqa: BLE001 - the request is sent; only its email is lost
            log.exception("could not queue a retry of the %s email of request %s", template, pk)


def deliver_email(pk: int, template: str, url: str) -> int:
    """Render and send the request's ``template`` email (``paid``: the client's and the
    creator's); each message at most once, keyed by request, template and link. Returns how
    many went out now; raises one of ``EMAIL_FAILURES`` if the mail server failed."""
    from notifications.emails import send_templated_email_once

    request = PaymentRequest.objects.select_related("client", "created_by").get(pk=pk)
    context = _context(request, url)
    client = (
        request.client.email,
        context["from_email"],
        languages.client_language(request.client),
    )
    messages = [(template, *client)]
    if template == "paid":
        context["payment"] = request.payments.order_by("-paid_at").first()
        messages = [("paid_client", *client)]
        if request.created_by and request.created_by.email:
            creator = request.created_by
            messages.append(("paid_staff", creator.email, None, languages.member_language(creator)))
    link = hashlib.sha256(url.encode()).hexdigest()[:16] if url else "-"
    return sum(
        send_templated_email_once(
            f"payment_request:{pk}:{name}:{link}",
            f"payment_requests/emails/{name}",
            to=[to],
            context=context,
            from_email=from_email,
            language=language,
        )
        for name, to, from_email, language in messages
    )


def resend_email(pk: int, template: str, url: str) -> str:
    """A retry, minutes or an hour after the first attempt failed. A pay link for a request
    no longer payable (paid or canceled meanwhile) would only mislead: it is dropped."""
    if url and not PaymentRequest.objects.get(pk=pk).is_payable:
        return "outdated"
    return "sent" if deliver_email(pk, template, url) else "already sent"


# ---- the daily schedule -----------------------------------------------------------------------
def run_daily_schedule(today: date) -> dict:
    """Overdue switch and automatic reminders for ``today`` (the account's local date)."""
    from payment_requests.models import BillingSettings

    settings_row = BillingSettings.current()
    report = {"overdue": 0, "reminders": 0}
    open_requests = PaymentRequest.objects.filter(
        status__in=PaymentRequest.OPEN_STATUSES, deleted_at__isnull=True
    )
    for pk in open_requests.filter(status=Status.SENT, due_date__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            request = _lock(pk)
            if request.status == Status.SENT:
                _move(request, Status.OVERDUE, StatusChange.Source.SCHEDULE)
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
