"""A request's messages as its pages show them (the delivery record, ``notifications``), and
what the request says about them: one that would only mislead now is not sent."""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from notifications import delivery
from notifications.models import Message
from payment_requests.models import PaymentRequest

DOCUMENT = "payment_request"
# Messages that carry a pay link: pointless once the request cannot be paid any more.
PAY_LINK_PURPOSES = ("request.sent", "request.reminder", "request.charge_failed")


def messages_of(request: PaymentRequest) -> list[Message]:
    return list(
        Message.objects.filter(document_type=DOCUMENT, document_id=request.pk).defer("content")
    )


def messages_of_client(client) -> list[Message]:
    return list(Message.objects.filter(client_id=client.pk).defer("content")[:50])


def problem_messages() -> Q:
    """Failed, bounced, or waiting for another try after a failure (``Message.has_problem``)."""
    return Q(status__in=Message.PROBLEMS) | (Q(status=Message.Status.QUEUED) & ~Q(error=""))


def with_delivery_problem(requests):
    """Annotate the request's latest message that did not arrive, for its dashboard row:
    ``delivery_problem_id`` (None: every message arrived), ``_status`` and ``_error``."""
    latest = (
        Message.objects.filter(problem_messages(), document_type=DOCUMENT)
        .filter(document_id=OuterRef("pk"))
        .order_by("-created_at", "-id")
    )
    return requests.annotate(
        delivery_problem_id=Subquery(latest.values("pk")[:1]),
        delivery_problem_status=Subquery(latest.values("status")[:1]),
        delivery_problem_error=Subquery(latest.values("error")[:1]),
    )


def resend(request: PaymentRequest, message_pk: int) -> bool:
    """*Resend* one of the request's failed messages; False if it is not one of them, or
    cannot be resent (not failed, or its text is gone)."""
    message = Message.objects.filter(
        pk=message_pk, document_type=DOCUMENT, document_id=request.pk
    ).first()
    if message is None or (message.purpose in PAY_LINK_PURPOSES and not request.is_payable):
        return False
    return delivery.resend(message)


def outdated(message: Message) -> str:
    """Why the request's ``message`` should no longer leave (``""``: it should)."""
    if message.purpose not in PAY_LINK_PURPOSES:
        return ""
    request = PaymentRequest.objects.filter(pk=message.document_id).first()
    if request is None or not request.is_payable:
        return _("Not sent: the request was paid or canceled before the message could leave.")
    return ""


def register() -> None:
    delivery.OUTDATED_IF[DOCUMENT] = outdated
