"""Canceling a request (voided on the platform, the client told) and deleting it (hidden)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing_saas.refusals import ActionRefused
from connectors import remote_state
from connectors.base import PlatformError
from connectors.models import RemoteObject
from connectors.registry import platform_for
from payment_requests import states
from payment_requests.models import PaymentRequest, StatusChange
from payment_requests.services.common import Status, lock
from payment_requests.services.emails import email_later
from payment_requests.services.links import revoke_links
from payment_requests.signals import request_settled


def cancel_request(pk: int, *, actor) -> PaymentRequest:
    with transaction.atomic():
        request = lock(pk)
        if request.status == Status.CANCELED:
            return request
        _check_cancelable(request)
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
                request = lock(pk)
                request.last_error = error.message
                request.save(update_fields=["last_error"])
            raise ActionRefused(error.message) from error
    with transaction.atomic():
        request = lock(pk)
        if was_sent:
            remote_state.record(request.connection, request.remote.kind, remote)
        if request.status == Status.PAID:  # paid while we were canceling
            raise ActionRefused(_("This request was paid meanwhile and cannot be canceled."))
        request.canceled_at = timezone.now()
        states.move(request, Status.CANCELED, StatusChange.Source.USER, actor)
        request.save()
        revoke_links(request)
        if was_sent:
            email_later(request.pk, "canceled", "")
    return request


def _check_cancelable(request: PaymentRequest) -> None:
    if request.status == Status.SENDING:
        raise ActionRefused(_("This request is being sent; try again in a moment."))
    if not states.can_move(request.status, Status.CANCELED):
        raise ActionRefused(_("This request is paid and cannot be canceled."))


def delete_request(pk: int, *, actor, confirm_open: bool = False) -> PaymentRequest:
    """Hide the request from the dashboard (history kept). A sent request that the client
    could still pay needs ``confirm_open``: deleting does not cancel it on the platform, and
    its emailed link keeps working (a payment still marks it paid and brings it back)."""
    with transaction.atomic():
        request = lock(pk)
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
            states.note(
                request,
                StatusChange.Source.USER,
                gettext_noop("Deleted; the client can still pay it through the emailed link"),
                actor,
            )
        else:
            states.note(request, StatusChange.Source.USER, gettext_noop("Deleted"), actor)
            revoke_links(request)
            if request.status == Status.DRAFT:  # never sent: what it billed is billed again
                request_settled.send(PaymentRequest, request=request, paid=False)
        request.save()
    return request
