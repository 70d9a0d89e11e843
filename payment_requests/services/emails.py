"""The emails a request sends its client (and its creator): rendered, sent once, retried."""

from __future__ import annotations

import hashlib
import logging
import smtplib

from django.urls import reverse

from notifications.notify import Recipient, notify
from payment_requests.models import BillingSettings, PaymentRequest
from payment_requests.services.channels import channels_for
from payment_requests.services.common import current_tenant
from tenants.schema import on_commit_here
from tenants.urls_helpers import account_url

log = logging.getLogger(__name__)

# What a mail server or the network raise when a message does not go out (SMTPException and
# ConnectionError are OSErrors; named for the reader).
EMAIL_FAILURES = (smtplib.SMTPException, ConnectionError, OSError)
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
}
# After a failed first attempt the worker tries again 1, 5, 15 and 60 minutes later.
EMAIL_RETRY_DELAYS = (60, 5 * 60, 15 * 60, 60 * 60)
# Emails told to the client and to the request's creator, each with a template of its own.
TO_CLIENT_AND_CREATOR = ("paid", "refund")


def email_later(pk: int, template: str, url: str) -> None:
    """Send the ``template`` email once the caller's transaction commits."""
    on_commit_here(lambda: send_or_retry(pk, template, url))


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
        send_or_retry(pk, template, "")


def send_email(pk: int, template: str, url: str) -> None:
    """Send now; if the mail server fails, a worker tries again later (``retry_email``)."""
    send_or_retry(pk, template, url)


def send_or_retry(pk: int, template: str, url: str) -> None:
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
    """Render and send the request's ``template`` email (``paid``, ``refund``: the client's
    and the creator's); each message at most once, keyed by request, template and link (a
    refund: by the refunded total). Returns how many went out now; raises one of
    ``EMAIL_FAILURES`` if the mail server failed."""
    request = (
        PaymentRequest.objects.select_related("client", "created_by")
        .prefetch_related("lines__applied_taxes")  # the emails list lines and taxes
        .get(pk=pk)
    )
    context = _context(request, url)
    # The client reads the account's sender name; the creator, the app's own address.
    client = (Recipient.for_client(request.client), context["from_email"])
    messages = [(template, *client)]
    if template in TO_CLIENT_AND_CREATOR:
        messages = [(f"{template}_client", *client)]
        if request.created_by and request.created_by.email:
            creator = Recipient.for_member(request.created_by)
            messages.append((f"{template}_staff", creator, None))
    if template == "paid":
        context["payment"] = request.payments.order_by("-paid_at").first()
    link = hashlib.sha256(url.encode()).hexdigest()[:16] if url else "-"
    if template == "refund":
        # Once per refunded total: a second refund is told again, a redelivery is not.
        link = f"refunded-{request.amount_refunded}"
    # The request's own messages go the way its writer chose; confirmations, by email.
    chosen = channels_for(request) if template in ("request", "reminder") else None
    return sum(
        notify(
            recipient,
            PURPOSE_OF[name],
            {**context, "from_email": from_email},
            once_key=f"payment_request:{pk}:{name}:{link}",
            channels=chosen,
        )
        for name, recipient, from_email in messages
    )


def resend_email(pk: int, template: str, url: str) -> str:
    """A retry, minutes or an hour after the first attempt failed. A pay link for a request
    no longer payable (paid or canceled meanwhile) would only mislead: it is dropped."""
    if url and not PaymentRequest.objects.get(pk=pk).is_payable:
        return "outdated"
    return "sent" if deliver_email(pk, template, url) else "already sent"


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
        "from_email": _sender(branding.sender_name or tenant.name),
    }


def _sender(name: str) -> str:
    from email.utils import formataddr, parseaddr

    from django.conf import settings

    _default_name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((name, address))
