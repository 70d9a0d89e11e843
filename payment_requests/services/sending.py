"""Sending a request: claim → platform call outside the transaction → commit. Once."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing_saas import languages
from billing_saas.faults import crash_point
from billing_saas.refusals import ActionRefused
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
from connectors.registry import platform_for
from payment_requests import states
from payment_requests.models import PaymentRequest, PlatformCustomer, StatusChange
from payment_requests.services.common import Status, current_tenant, default_connection, lock
from payment_requests.services.emails import email_later
from payment_requests.services.links import link_url, new_link
from payment_requests.services.numbering import next_number
from tenants.schema import on_commit_here
from tenants.urls_helpers import account_url

# A claim older than this was left by a worker that died: the next attempt takes it over (the
# platform's idempotency key makes that safe). The crash tests shorten it.
STALE_SENDING = timedelta(seconds=settings.STALE_SENDING_SECONDS)


def send_request(pk: int, *, actor, request_host=None, source=StatusChange.Source.USER
                 ) -> PaymentRequest:  # fmt: skip
    """Create the platform invoice (or link), number the request, email the client. Once.

    ``source`` is who sends it: a team member, or automated invoicing (``actor`` None)."""
    with transaction.atomic():
        request = lock(pk)
        stale = (
            request.status == Status.SENDING
            and request.sending_since
            and request.sending_since < timezone.now() - STALE_SENDING
        )
        if request.status != Status.DRAFT and not stale:
            return request  # already sent (or being sent by another click): nothing twice
        if request.deleted_at:
            raise ActionRefused(_("This request was deleted."))
        from credits.services.applying import apply_to, settle_if_covered

        # Numbered at the claim so the platform shows our number too. A retry (after a refusal
        # or a crash) keeps it: one number per request, never two, and none skipped.
        request.number = request.number or next_number()
        # The client's available credit pays what it can before the platform is asked for the
        # rest (a stale claim finds it applied already); paid in full, nothing is sent at all.
        if (
            not stale
            and apply_to(request, source, actor)
            and settle_if_covered(request, source, actor)
        ):
            request.save()
            return request
        connection = request.connection if stale else default_connection()
        if connection is None or not connection.is_usable:
            raise ActionRefused(_("Connect a payment platform before sending requests."))
        request.connection = connection
        request.sending_since = timezone.now()
        if not stale:  # a stale claim is already Sending: it is taken over, not moved
            states.move(request, Status.SENDING, source, actor)
        request.save()

    try:
        remote, kind = _create_on_platform(request, connection)
        crash_point("after_platform_call")
    except PlatformError as error:
        with transaction.atomic():
            request = lock(pk)
            request.last_error = error.message
            if not error.retryable:
                request.send_attempt += 1  # a corrected retry must not replay the refusal
            request.sending_since = None
            from credits.services.applying import release

            release(request)  # the draft owes its whole amount again
            states.move(
                request,
                Status.DRAFT,
                StatusChange.Source.PLATFORM,
                note=gettext_noop("Not sent: %(error)s"),
                error=error.message,
            )
            request.save()
        raise ActionRefused(error.message) from error

    with transaction.atomic():
        request = lock(pk)
        obj = remote_state.record(connection, kind, remote, local_ref=str(request.pk))
        request.remote = obj
        request.sent_at = timezone.now()
        request.sending_since = None
        request.last_error = ""
        states.move(
            request,
            Status.SENT,
            source,
            actor,
            note=gettext_noop("Sent to %(email)s"),
            email=request.client.email,
        )
        request.save()
        url = link_url(request, new_link(request), request_host)
        email_later(request.pk, "request", url)
        # Events the worker applied before this commit could not find the request yet.
        from payment_requests.services.platform_changes import apply_remote_change

        on_commit_here(lambda: apply_remote_change(obj))
    return request


def _create_on_platform(request: PaymentRequest, connection: Connection
                        ) -> tuple[RemoteInvoice, str]:  # fmt: skip
    from credits.services.applying import invoice_credits

    platform = platform_for(connection)
    client = request.client
    # Its lines' taxes in one query, not one per line (an automated invoice has many lines).
    prefetch_related_objects([request], "lines__applied_taxes")
    customer_id = ensure_platform_customer(client, connection, platform)
    invoice = InvoiceRequest(
        local_id=request.pk,
        idempotency_key=f"request:{request.pk}:send:{request.send_attempt}",
        number=request.number,
        description=request.description,
        total=Money(request.amount, request.currency),
        due_date=request.due_date,
        client=client_ref(client, customer_id),
        attachment_links=(),
        metadata={"kind": request.kind},
        # Priced when saved (payment_requests/totals.py): their total is the request's amount.
        lines=request.document_lines,
        credits=invoice_credits(request),
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
            amount_due=invoice.amount_due,
            amount_paid=Money(request.amount * 0, request.currency),
            pay_url=link.url,
            pay_url_expires_at=link.expires_at,
        ), RemoteObject.Kind.PAYMENT_LINK
    return platform.create_and_send_invoice(invoice), RemoteObject.Kind.INVOICE


def client_ref(client, remote_id: str = "") -> ClientRef:
    """The client as a platform sees it, in the client's language."""
    return ClientRef(
        client.pk, str(client), client.email, remote_id, language=languages.client_language(client)
    )


def ensure_platform_customer(client, connection: Connection, platform=None) -> str:
    """The client's customer id on ``connection``'s platform: created there once, then kept
    (``PlatformCustomer``) and reused; one the platform re-created is kept instead."""
    platform = platform or platform_for(connection)
    known = PlatformCustomer.objects.filter(client=client, connection=connection).first()
    customer_id = platform.ensure_customer(client_ref(client, known.remote_id if known else ""))
    if known is None or known.remote_id != customer_id:
        PlatformCustomer.objects.update_or_create(
            client=client, connection=connection, defaults={"remote_id": customer_id}
        )
    return customer_id


def account_url_for_thanks(request: PaymentRequest) -> str:
    return account_url(current_tenant(), reverse("payment_requests:thanks"))
