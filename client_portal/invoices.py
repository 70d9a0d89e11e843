"""Which of a client's payment requests its portal shows, and how they are filtered.

Drafts and requests being sent never show. Canceled and expired ones say they are no longer
available; a deleted one shows while it can still be paid (as its emailed link does).
"""

from __future__ import annotations

from django.db.models import F, Q

from payment_requests.models import PaymentRequest

Status = PaymentRequest.Status
SHOWN = (*PaymentRequest.OPEN_STATUSES, *PaymentRequest.PAID_STATUSES)
FILTERS = {
    "unpaid": PaymentRequest.OPEN_STATUSES,
    "paid": PaymentRequest.PAID_STATUSES,
    "all": SHOWN,
}
DEFAULT_FILTER = "all"


def of_client(client):
    """Everything of ``client`` that is not a draft (the portal knows these exist)."""
    return PaymentRequest.objects.filter(client=client).exclude(
        status__in=(Status.DRAFT, Status.SENDING)
    )


def shown(client, which: str = DEFAULT_FILTER):
    statuses = FILTERS.get(which, SHOWN)
    return (
        of_client(client)
        .filter(status__in=statuses)
        .filter(Q(deleted_at__isnull=True) | Q(status__in=PaymentRequest.OPEN_STATUSES))
        .order_by(F("sent_at").desc(nulls_last=True), "-pk")
    )


def is_shown(item: PaymentRequest) -> bool:
    return item.status in SHOWN and (item.deleted_at is None or item.is_payable)


def portal_path(item: PaymentRequest) -> str:
    from django.urls import reverse

    return reverse("client_portal:invoice", args=[item.pk])
