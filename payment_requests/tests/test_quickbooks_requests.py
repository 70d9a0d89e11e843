"""Payment requests on QuickBooks behave as on Stripe: partial payments show the balance."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import urlsplit

import requests
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from billing_saas.testing.quickbooks import connect_quickbooks
from connectors import inbox
from connectors.models import InboundEvent
from emulators.quickbooks.app import sign
from emulators.quickbooks.server import VERIFIER_TOKEN
from payment_requests import services
from payment_requests.models import PaymentRequest
from payment_requests.tests.conftest import make_client, make_request


def test_a_partial_quickbooks_payment_leaves_the_balance_due(
    quickbooks_platform, alpha, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    connection = connect_quickbooks(quickbooks_platform, alpha)
    make_client(alpha)
    draft = make_request(alpha, amount="120.00", currency="USD")
    with django_capture_on_commit_callbacks(execute=True), schema_context(alpha.schema_name):
        item = services.send_request(draft.pk, actor=owner_of(alpha))
    link = next(word for word in mailoutbox[0].body.split() if "/pay/" in word)
    go = client_on(alpha).get(urlsplit(link).path + "go/")
    assert go["Location"].startswith(quickbooks_platform.url + "/app/invoice/")

    payment = quickbooks_platform.state.pay_invoice(
        connection.remote_account_id, item.remote.remote_id, Decimal("50")
    )
    body = json.dumps(
        quickbooks_platform.notifier._payload(
            [(connection.remote_account_id, "Payment", payment["Id"], "Create", "t")]
        )
    ).encode()
    client_on("localhost").post(
        "/webhooks/quickbooks/",
        data=body,
        content_type="application/json",
        HTTP_INTUIT_SIGNATURE=sign(body, VERIFIER_TOKEN),
    )
    with django_capture_on_commit_callbacks(execute=True), schema_context(alpha.schema_name):
        for pk in InboundEvent.objects.values_list("pk", flat=True):
            inbox.process(pk)
    with schema_context(alpha.schema_name):
        item = PaymentRequest.objects.get()
        assert item.status == "sent" and item.amount_paid == Decimal("50.00")
    panel = owner_client.get(f"/billing/?open={item.pk}").content.decode()
    assert "Balance due" in panel and "70.00" in panel


def test_the_quickbooks_invoice_and_its_page_carry_our_number(
    quickbooks_platform, alpha, mailoutbox, django_capture_on_commit_callbacks
):
    item, invoice = send_on_quickbooks(
        quickbooks_platform, alpha, django_capture_on_commit_callbacks
    )
    assert item.number == invoice["DocNumber"] == "INV-00001"
    link = next(word for word in mailoutbox[0].body.split() if "/pay/" in word)
    go = client_on(alpha).get(urlsplit(link).path + "go/")
    assert "Invoice INV-00001" in requests.get(go["Location"], timeout=5).text


def test_without_a_quickbooks_pay_link_the_client_is_told_how_to_pay(
    quickbooks_platform, alpha, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    item, invoice = send_on_quickbooks(
        quickbooks_platform, alpha, django_capture_on_commit_callbacks
    )
    invoice["AllowOnlineCreditCardPayment"] = invoice["AllowOnlineACHPayment"] = False

    link = next(word for word in mailoutbox[0].body.split() if "/pay/" in word)
    page = client_on(alpha).get(urlsplit(link).path + "go/").content.decode()
    assert "Online payment is not available" in page and "Alpha Studio" in page
    panel = owner_client.get(f"/billing/?open={item.pk}").content.decode()
    assert "has no online payment page for this invoice" in panel


def send_on_quickbooks(quickbooks_platform, tenant, captured):
    """A request sent on a new QuickBooks connection → (the request, the emulator's invoice)."""
    connection = connect_quickbooks(quickbooks_platform, tenant)
    make_client(tenant)
    draft = make_request(tenant, amount="80.00", currency="USD")
    with captured(execute=True), schema_context(tenant.schema_name):
        item = services.send_request(draft.pk, actor=owner_of(tenant))
    companies = quickbooks_platform.state.companies
    return item, companies[connection.remote_account_id].objects["Invoice"][item.remote.remote_id]
