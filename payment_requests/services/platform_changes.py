"""What the payment platform tells us about a request's invoice or link, mirrored here."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from connectors.base import RemoteStatus
from connectors.models import RemoteObject
from payment_requests import states
from payment_requests.models import Payment, PaymentRequest, StatusChange
from payment_requests.services.common import Status
from payment_requests.services.emails import email_paid_later
from payment_requests.services.links import revoke_links

PLATFORM = StatusChange.Source.PLATFORM


def apply_remote_change(remote_object: RemoteObject, payment=None, changes=()) -> None:
    """A webhook or reconciliation moved the remote invoice/link: mirror it here."""
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
            _record_payment(request, payment)
        request.amount_paid = max(request.amount_paid, remote_object.amount_paid)
        status = RemoteStatus(remote_object.status)
        newly_paid = False
        if status == RemoteStatus.PAID and states.can_move(request.status, Status.PAID):
            request.paid_at = timezone.now()
            states.move(request, Status.PAID, PLATFORM, note=gettext_noop("Payment received"))
            newly_paid = True
            if request.deleted_at:  # money arrived: it belongs on the dashboard and its totals
                request.deleted_at = None
                back = gettext_noop("Paid after it was deleted: back on the dashboard")
                states.note(request, PLATFORM, back)
        elif status == RemoteStatus.EXPIRED and request.status in PaymentRequest.OPEN_STATUSES:
            states.move(
                request, Status.EXPIRED, PLATFORM, note=gettext_noop("The payment link expired")
            )
            revoke_links(request)
        elif status == RemoteStatus.VOID and request.status in PaymentRequest.OPEN_STATUSES:
            request.canceled_at = timezone.now()
            voided = gettext_noop("Voided on the payment platform")
            states.move(request, Status.CANCELED, PLATFORM, note=voided)
            revoke_links(request)
        if "failure" in changes and request.status in PaymentRequest.OPEN_STATUSES:
            request.payment_failure = remote_object.last_failure[:300]
            states.note(
                request,
                StatusChange.Source.CLIENT,
                gettext_noop("Payment failed: %(reason)s"),
                reason=remote_object.last_failure,
            )
        if remote_object.needs_attention:
            request.last_error = remote_object.attention_note
        request.save()
        if newly_paid:
            email_paid_later(request.pk)


def _record_payment(request: PaymentRequest, payment) -> None:
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
