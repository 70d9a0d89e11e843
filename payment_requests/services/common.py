"""What the billing operations share: the row lock, the account, where requests go."""

from __future__ import annotations

from django.utils.translation import gettext as _

from billing_saas.refusals import ActionRefused
from connectors.models import Connection
from connectors.money import minor_units
from payment_requests.models import PaymentRequest

Status = PaymentRequest.Status


def lock(pk: int) -> PaymentRequest:
    """The request, locked until the caller's transaction ends."""
    return (
        PaymentRequest.objects.select_for_update(of=("self",)).select_related("client").get(pk=pk)
    )


def check_amount(amount, currency: str) -> None:
    """Refuses amounts the currency cannot carry (12.5 JPY) or that are not positive."""
    if amount is None or amount <= 0:
        raise ActionRefused(_("The amount must be greater than zero."))
    try:
        minor_units(amount, currency)
    except ValueError:
        raise ActionRefused(
            _("%(currency)s amounts cannot have that many decimals.") % {"currency": currency}
        ) from None


def default_connection() -> Connection | None:
    """Where new requests go: the connection chosen at installation (or in the settings);
    failing that, the newest usable one. Requests already sent keep theirs."""
    from solutions.services import installation

    chosen = installation("client-billing")
    if chosen and chosen.connection and chosen.connection.is_usable:
        return chosen.connection
    return (
        Connection.objects.filter(status=Connection.Status.CONNECTED)
        .order_by("-created_at")
        .first()
    )


def current_tenant():
    """The account whose schema is active (a request's, a task's or a ``schema_context``'s)."""
    from django.db import connection as db

    from tenants.models import Tenant

    tenant = getattr(db, "tenant", None)
    if isinstance(tenant, Tenant):
        return tenant
    return Tenant.objects.get(schema_name=db.schema_name)
