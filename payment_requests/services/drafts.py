"""Creating and editing requests before (and, for the description, after) they are sent."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing_saas.refusals import ActionRefused
from clients.models import Client
from payment_requests.models import Attachment, PaymentRequest, StatusChange
from payment_requests.services.common import Status, check_amount, lock


def create_request(*, actor, new_client: dict | None = None, attachments=(), **fields
                   ) -> PaymentRequest:  # fmt: skip
    """A draft; ``new_client`` (name, email, company) creates its client in the same
    transaction, ``attachments`` are checked uploads (file, content type)."""
    check_amount(fields.get("amount"), fields.get("currency", "EUR"))
    with transaction.atomic():
        if new_client is not None:
            fields["client"] = Client.objects.create(
                preferred_currency=fields.get("currency", "EUR"), **new_client
            )
        request = PaymentRequest(created_by=actor, **fields)
        request.save()
        attach(request, attachments, actor)
        StatusChange.objects.create(
            request=request,
            to_status=Status.DRAFT,
            source=StatusChange.Source.USER,
            actor=actor,
            note=gettext_noop("Created"),
        )
    return request


def update_draft(pk: int, *, actor, attachments=(), **fields) -> PaymentRequest:
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
        attach(request, attachments, actor)
    return request


def attach(request: PaymentRequest, checked_uploads, user) -> None:
    """Files checked by the form (``billing_saas/upload_limits.py``): (upload, content type)."""
    for upload, content_type in checked_uploads or ():
        Attachment.objects.create(
            request=request,
            file=upload,
            original_name=upload.name,
            content_type=content_type,
            size=upload.size,
            uploaded_by=user,
        )


def _value(request, name):
    return request.client_id if name == "client" else getattr(request, name)


def _value_of(value):
    return getattr(value, "pk", value)
