"""The whole life of a document with lines and taxes, on each platform: sent, paid, part of
it refunded, and what the provider and the client see at each step."""

from __future__ import annotations

from decimal import Decimal

from django_tenants.utils import schema_context

from billing_saas.testing.quickbooks import connect_quickbooks
from connectors.tests.test_quickbooks_refunds import notify, refund
from payment_requests.models import PaymentRequest
from payment_requests.tests.conftest import send
from payment_requests.tests.test_document_lines_sent import quebec_document
from payment_requests.tests.test_refunds import paid, refunded


def panel(owner_client, pk) -> str:
    return owner_client.get(f"/billing/?open={pk}").content.decode()


def status_of(tenant, pk) -> str:
    with schema_context(tenant.schema_name):
        return PaymentRequest.objects.get(pk=pk).status


def refund_subjects(mailoutbox) -> list[str]:
    return [mail.subject for mail in mailoutbox if "refund" in mail.subject.lower()]


def test_on_stripe_a_taxed_document_is_paid_then_partly_refunded(
    stripe_platform, alpha_billing, alpha, owner_client, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    item = send(alpha, quebec_document(alpha).pk, django_capture_on_commit_callbacks)
    intent = paid(stripe_platform, alpha_billing, alpha, item, django_capture_on_commit_callbacks)
    assert status_of(alpha, item.pk) == "paid"

    refunded(stripe_platform, alpha_billing, alpha, intent, django_capture_on_commit_callbacks,
             cents=5000)  # fmt: skip

    assert status_of(alpha, item.pk) == "partially_refunded"
    page = panel(owner_client, item.pk)
    for shown in ("Design work", "QST (9.975%)", "CA$258.45", "Partially refunded", "CA$50.00"):
        assert shown in page, shown
    assert "Your refund of CA$50.00 from Alpha" in " ".join(refund_subjects(mailoutbox))


def test_on_quickbooks_a_taxed_document_is_paid_then_partly_refunded(
    quickbooks_platform, alpha, owner_client, root_client, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    connection = connect_quickbooks(quickbooks_platform, alpha)
    realm = connection.remote_account_id
    item = send(alpha, quebec_document(alpha).pk, django_capture_on_commit_callbacks)

    payment = quickbooks_platform.state.pay_invoice(realm, item.remote.remote_id)
    with django_capture_on_commit_callbacks(execute=True):
        notify(quickbooks_platform, root_client, alpha, realm, "Payment", payment["Id"])
    assert status_of(alpha, item.pk) == "paid"

    receipt = refund(quickbooks_platform, realm, payment["Id"], amount=50)
    with django_capture_on_commit_callbacks(execute=True):
        notify(quickbooks_platform, root_client, alpha, realm, "RefundReceipt", receipt["Id"])

    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get(pk=item.pk).amount_refunded == Decimal("50.00")
    assert status_of(alpha, item.pk) == "partially_refunded"
    page = panel(owner_client, item.pk)
    for shown in ("Hosting", "GST (5%)", "CA$258.45", "Partially refunded", "CA$50.00"):
        assert shown in page, shown
    assert "Your refund of CA$50.00" in " ".join(refund_subjects(mailoutbox))
