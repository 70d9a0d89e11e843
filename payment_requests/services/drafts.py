"""Creating and editing requests before (and, for the description, after) they are sent."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing_saas.refusals import ActionRefused
from payment_requests.models import PaymentRequest, StatusChange
from payment_requests.services.common import Status, check_amount, lock


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
        request = lock(pk)
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
