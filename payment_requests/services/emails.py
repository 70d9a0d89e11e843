"""The messages a request sends its client (and its creator): rendered and recorded once;
the notifications worker hands them over and retries them."""

from __future__ import annotations

import hashlib
import logging

from django.urls import reverse

from notifications.notify import Recipient, notify
from payment_requests.models import BillingSettings, PaymentRequest
from payment_requests.services.channels import channels_for
from payment_requests.services.common import current_tenant
from payment_requests.services.invoice_pdf import attaches_pdf, attachment_pdf
from tenants.schema import on_commit_here
from tenants.urls_helpers import account_url

log = logging.getLogger(__name__)

# The purpose (notifications/purposes.py) of each of a request's emails, by the name that
# tasks and once-keys carry.
PURPOSE_OF = {
    "request": "request.sent",
    "reminder": "request.reminder",
    "canceled": "request.canceled",
    "paid_client": "request.paid.client",
    "paid_staff": "request.paid.staff",
    "refund_client": "request.refund.client",
    "refund_staff": "request.refund.staff",
    "charge_failed": "request.charge_failed",  # recurring/auto_charge.py
}
# Emails told to the client and to the request's creator, each with a template of its own.
TO_CLIENT_AND_CREATOR = ("paid", "refund")


def email_later(pk: int, template: str, url: str, extra: dict | None = None) -> None:
    """The ``template`` messages, recorded in the caller's transaction (so a change that
    commits cannot lose them, and one that rolls back sends nothing) and handed over by a
    worker once it commits (``notifications/delivery.py``). ``extra``: more for the template."""
    deliver_email(pk, template, url, extra)


def email_paid_later(pk: int) -> None:
    on_commit_here(lambda: queue_paid_emails(pk))


def email_refund_later(pk: int) -> None:
    on_commit_here(lambda: queue_emails(pk, "refund"))


def queue_paid_emails(pk: int) -> None:
    queue_emails(pk, "paid")


def queue_emails(pk: int, template: str) -> None:
    """The client's and the creator's emails (``paid``, ``refund``) leave in a task of their
    own: applying the platform's event never waits for rendering or for the mail server. If
    the task cannot be queued (broker down), they are sent here rather than lost."""
    from django.db import connection as db

    from payment_requests.tasks import send_email as send_email_task

    try:
        send_email_task.delay(db.schema_name, pk, template, "")
    except Exception:  # noqa: BLE001 - any failure to queue: send now instead
        log.warning("could not queue the %s emails of request %s; sending now", template, pk)
        deliver_email(pk, template, "")


def send_email(pk: int, template: str, url: str) -> None:
    """Record the request's ``template`` messages now (their delivery is the worker's)."""
    deliver_email(pk, template, url)


def deliver_email(pk: int, template: str, url: str, extra: dict | None = None) -> int:
    """Render and record the request's ``template`` messages (``paid``, ``refund``: the
    client's and the creator's); each at most once, keyed by request, template and link (a
    refund: by the refunded total). Returns how many were recorded now."""
    request = (
        PaymentRequest.objects.select_related("client", "created_by")
        .prefetch_related("lines__applied_taxes")  # the emails list lines and taxes
        .get(pk=pk)
    )
    context = {**_context(request, url), **(extra or {})}
    # The client reads the account's sender name; the creator, the app's own address.
    client = (Recipient.for_client(request.client), context["from_email"])
    messages = [(template, *client)]
    if template in TO_CLIENT_AND_CREATOR:
        messages = [(f"{template}_client", *client)]
        if request.created_by and request.created_by.email:
            creator = Recipient.for_member(request.created_by)
            messages.append((f"{template}_staff", creator, None))
    if template == "paid":
        payment = (
            request.payments.filter(undone_at__isnull=True).order_by("-paid_at", "-pk").first()
        )
        if payment is not None:
            # A manual payment's method in the reader's language (the label is lazy, rendered
            # in each recipient's); a platform's, as the platform wrote it.
            payment.method = payment.method_label
        context["payment"] = payment
    link = hashlib.sha256(url.encode()).hexdigest()[:16] if url else "-"
    if template == "refund":
        # Once per refunded total: a second refund is told again, a redelivery is not.
        link = f"refunded-{request.amount_refunded}"
    # The request's own messages go the way its writer chose; confirmations, by email.
    carries_link = template in ("request", "reminder", "charge_failed")
    chosen = channels_for(request) if carries_link else None
    # The invoice's PDF, when the account attaches it: printed with this email's own link.
    attachments = [_invoice_pdf(request, url)] if carries_link and attaches_pdf() else []
    if carries_link or template in ("paid", "refund"):  # the receipts link to it too
        context.update(_portal_links(request))
    return sum(
        notify(
            recipient,
            PURPOSE_OF[name],
            {**context, "from_email": from_email},
            once_key=f"payment_request:{pk}:{name}:{link}",
            channels=chosen,
            about=("payment_request", pk),
            attachments=attachments if recipient is client[0] else (),
        )
        for name, recipient, from_email in messages
    )


def _portal_links(request: PaymentRequest) -> dict:
    """The invoice's page in the client's portal, signed in: a link of its own per email and
    per SMS (the SMS's only link: the portal's page has Pay), made only if the message is
    rendered (one already sent is not)."""
    from client_portal import invoices, links

    return links.document_links(request.client, invoices.portal_path(request))


def _invoice_pdf(request: PaymentRequest, url: str):
    filename, data = attachment_pdf(request, url)
    return filename, data, "application/pdf"


def _context(request: PaymentRequest, url: str = "") -> dict:
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
        "from_email": sender_address(branding.sender_name or tenant.name),
    }


def sender_address(name: str) -> str:
    """The From of an account's messages to its clients: its sender name, the product's
    address (quotes use it too)."""
    from email.utils import formataddr, parseaddr

    from django.conf import settings

    _default_name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((name, address))
