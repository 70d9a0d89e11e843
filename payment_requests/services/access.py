"""Who may use Client Billing: employees given access (billing administrators always have it)."""

from __future__ import annotations

from payment_requests.models import BillingAccess


def grant_access(member, *, granted_by) -> None:
    BillingAccess.objects.get_or_create(user=member, defaults={"granted_by": granted_by})


def revoke_access(member) -> None:
    BillingAccess.objects.filter(user=member).delete()
