"""Shared helpers of the credits tests: credit notes, invoices sent on emulated Stripe."""

from __future__ import annotations

from decimal import Decimal

from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from connectors.tasks import drain_inbox
from credits.models import CreditNote
from credits.services import issuing
from payment_requests.models import PaymentRequest
from payment_requests.tests.conftest import (  # noqa: F401 - fixtures and helpers of the tests
    _client_billing_installed,
    alpha_billing,
    event_count,
    make_client,
    make_request,
    owner_client,
    post_new_events,
    send,
)


def credit(tenant, client, amount="30.00", currency="EUR", use=CreditNote.Use.APPLY,
           reason="Late delivery") -> CreditNote:  # fmt: skip
    with schema_context(tenant.schema_name):
        return issuing.issue(
            client=client,
            currency=currency,
            amount=Decimal(amount),
            reason=reason,
            use=use,
            actor=owner_of(tenant),
        )


def fresh(tenant, obj):
    with schema_context(tenant.schema_name):
        obj.refresh_from_db()
        return obj


def history(tenant, item: PaymentRequest) -> list[str]:
    with schema_context(tenant.schema_name):
        return [change.note_text for change in item.history.all()]


def client_pays_on_stripe(emulator, connection, tenant, item, captured) -> None:
    """The client pays what the Stripe invoice asks; the webhooks are applied."""
    since = event_count(emulator, connection)
    emulator.state.pay_invoice(
        connection.remote_account_id, item.remote.remote_id, "4242424242424242"
    )
    with captured(execute=True):
        post_new_events(emulator, connection, since)
        drain_inbox(tenant.schema_name)
