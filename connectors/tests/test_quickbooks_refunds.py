"""A refund made in QuickBooks (a RefundReceipt for the payment) reaches the payment we
recorded, through the webhook, the inbox and the remote state, as its running total."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
import requests
from django_tenants.utils import schema_context

from billing_saas.testing.quickbooks import connect_quickbooks
from connectors import inbox
from connectors.base import ClientRef, InvoiceRequest, Money
from connectors.models import InboundEvent, RemotePayment
from connectors.registry import platform_for
from connectors.remote_state import record
from emulators.quickbooks.app import sign
from emulators.quickbooks.server import VERIFIER_TOKEN


@pytest.fixture
def books(quickbooks_platform, alpha):
    connection = connect_quickbooks(quickbooks_platform, alpha)
    with schema_context(alpha.schema_name):
        yield platform_for(connection)


def notify(emulator, root_client, tenant, realm, kind, object_id, fmt="classic"):
    """QuickBooks' notification of one entity change, delivered and processed."""
    emulator.notifier.format = fmt
    change = [(realm, kind, object_id, "Create", f"{kind}:{object_id}")]
    body = json.dumps(emulator.notifier._payload(change)).encode()
    answer = root_client.post(
        "/webhooks/quickbooks/",
        data=body,
        content_type="application/json",
        HTTP_INTUIT_SIGNATURE=sign(body, VERIFIER_TOKEN),
    )
    assert answer.status_code == 200
    with schema_context(tenant.schema_name):
        for pk in InboundEvent.objects.filter(processed_at__isnull=True).values_list(
            "pk", flat=True
        ):
            inbox.process(pk)


def refund(emulator, realm, payment_id, amount=None) -> dict:
    """The bookkeeper refunds (part of) a payment in QuickBooks (the emulator's driver)."""
    answer = requests.post(
        f"{emulator.url}/_emulator/refund",
        json={"realm": realm, "payment": payment_id, "amount": amount},
        timeout=5,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def paid_and_recorded(emulator, books, root_client, tenant) -> dict:
    remote = books.create_and_send_invoice(
        InvoiceRequest(
            local_id=1,
            idempotency_key="request:1:send:1",
            number="INV-00001",
            description="Bookkeeping – November",
            total=Money(Decimal("120.00"), "USD"),
            due_date=date.today() + timedelta(days=15),
            client=ClientRef(1, "Dana Client", "dana@client.test"),
        )
    )
    record(books.connection, "invoice", remote, local_ref="1")
    payment = emulator.state.pay_invoice(books.realm, remote.remote_id)
    notify(emulator, root_client, tenant, books.realm, "Payment", payment["Id"])
    return payment


def refunded(tenant) -> Decimal:
    with schema_context(tenant.schema_name):
        return RemotePayment.objects.get().amount_refunded


def test_a_partial_then_a_full_refund_reach_the_payment(
    quickbooks_platform, books, alpha, root_client
):
    payment = paid_and_recorded(quickbooks_platform, books, root_client, alpha)
    assert refunded(alpha) == 0

    partial = refund(quickbooks_platform, books.realm, payment["Id"], "30.00")
    assert partial["LinkedTxn"] == [{"TxnId": payment["Id"], "TxnType": "Payment"}]
    notify(quickbooks_platform, root_client, alpha, books.realm, "RefundReceipt", partial["Id"])
    assert refunded(alpha) == Decimal("30.00")

    rest = refund(quickbooks_platform, books.realm, payment["Id"])  # what is left: 90.00
    assert rest["TotalAmt"] == 90.0
    notify(quickbooks_platform, root_client, alpha, books.realm, "RefundReceipt", rest["Id"],
           fmt="cloudevents")  # fmt: skip
    assert refunded(alpha) == Decimal("120.00")

    # The first receipt's notification again, late: the running total does not go back.
    notify(quickbooks_platform, root_client, alpha, books.realm, "RefundReceipt", partial["Id"])
    assert refunded(alpha) == Decimal("120.00")


def test_quickbooks_refuses_to_refund_more_than_the_payment(quickbooks_platform, books):
    invoice = books.create_and_send_invoice(
        InvoiceRequest(1, "k", "", "Audit", Money(Decimal("50.00"), "USD"), date.today(),
                       ClientRef(1, "Dana Client", "dana@client.test"))
    )  # fmt: skip
    payment = quickbooks_platform.state.pay_invoice(books.realm, invoice.remote_id)
    refund(quickbooks_platform, books.realm, payment["Id"], "40.00")
    answer = requests.post(
        f"{quickbooks_platform.url}/_emulator/refund",
        json={"realm": books.realm, "payment": payment["Id"], "amount": "10.01"},
        timeout=5,
    )
    assert answer.status_code == 400 and answer.json()["Fault"]["Error"][0]["code"] == "6000"


def test_change_data_capture_repairs_a_missed_refund_notification(
    quickbooks_platform, books, alpha, root_client
):
    from connectors.tasks import reconcile_connections

    payment = paid_and_recorded(quickbooks_platform, books, root_client, alpha)
    refund(quickbooks_platform, books.realm, payment["Id"], "20.00")  # its webhook is lost
    reconcile_connections(alpha.schema_name)
    assert refunded(alpha) == Decimal("20.00")
