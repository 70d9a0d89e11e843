"""Creating and editing requests before (and, for the description, after) they are sent."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing_saas.refusals import ActionRefused
from clients.models import Client
from payment_requests.models import Attachment, PaymentRequest, StatusChange
from payment_requests.services.common import Status, check_amount, lock
from payment_requests.services.lines import (
    LineDraft,
    document_fields,
    one_line,
    price,
    save_lines,
)

LOCKED_MESSAGE = gettext_noop(
    "This request was sent: its amount, client, due date and currency can no "
    "longer change. Cancel it and create a new one instead."
)


def create_request(*, actor, new_client: dict | None = None, attachments=(),
                   lines: Sequence[LineDraft] | None = None,
                   **fields) -> PaymentRequest:  # fmt: skip
    """A draft; ``new_client`` (name, email, company) creates its client in the same
    transaction, ``attachments`` are checked uploads (file, content type). Its ``lines`` make
    its amount; without them, ``description`` and ``amount`` are its one line."""
    currency = fields.get("currency", "EUR")
    if lines is None:
        check_amount(fields.get("amount"), currency)
        lines = one_line(fields["description"], fields["amount"])
    priced = price(lines, currency)
    fields.update(document_fields(priced, currency))
    check_amount(fields["amount"], currency)
    with transaction.atomic():
        if new_client is not None:
            fields["client"] = Client.objects.create(preferred_currency=currency, **new_client)
        request = PaymentRequest(created_by=actor, **fields)
        request.save()
        save_lines(request, lines, priced)
        attach(request, attachments, actor)
        StatusChange.objects.create(
            request=request,
            to_status=Status.DRAFT,
            source=StatusChange.Source.USER,
            actor=actor,
            note=gettext_noop("Created"),
        )
    return request


def update_draft(pk: int, *, actor, attachments=(), lines: Sequence[LineDraft] | None = None,
                 **fields) -> PaymentRequest:  # fmt: skip
    """Edit a request; once sent, its lines, amount, client, due date and currency are
    locked. ``lines`` replace its lines; an ``amount`` without lines makes it one line."""
    with transaction.atomic():
        request = lock(pk)
        if request.deleted_at:
            raise ActionRefused(_("This request was deleted."))
        currency = fields.get("currency", request.currency)
        if lines is None and "amount" in fields and not request.is_locked:
            lines = one_line(fields.get("description", request.description), fields["amount"])
        priced = None
        if lines is not None:
            priced = _price_or_refuse(lines, currency, locked=request.is_locked)
            if not request.is_locked or priced == request.document_lines:
                fields.update(document_fields(priced, currency))
            else:
                raise ActionRefused(_(LOCKED_MESSAGE))
        locked = [
            name
            for name in PaymentRequest.LOCKED_FIELDS
            if name in fields and _value(request, name) != _value_of(fields[name])
        ]
        if not request.is_locked:
            _check_owner_kept(request, locked)
        if request.is_locked and locked:
            raise ActionRefused(_(LOCKED_MESSAGE))
        if not request.is_locked:
            check_amount(
                fields.get("amount", request.amount), fields.get("currency", request.currency)
            )
        for name, value in fields.items():
            setattr(request, name, value)
        request.save()
        if priced is not None and not request.is_locked:
            save_lines(request, lines, priced)
        attach(request, attachments, actor)
    return request


# Apps whose records a draft bills (charges) register here a check that returns why its
# client or currency cannot change ("" when they can): the draft's lines are their records.
KEEPS_CLIENT_AND_CURRENCY: list = []


def _check_owner_kept(request: PaymentRequest, changed: list[str]) -> None:
    if not {"client", "currency"} & set(changed):
        return
    for check in KEEPS_CLIENT_AND_CURRENCY:
        if reason := check(request):
            raise ActionRefused(reason)


def _price_or_refuse(lines, currency: str, *, locked: bool):
    """Lines sent to a locked request are refused as a change even when they do not price."""
    try:
        return price(lines, currency)
    except ActionRefused:
        if locked:
            raise ActionRefused(_(LOCKED_MESSAGE)) from None
        raise


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
