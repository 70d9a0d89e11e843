"""The client's payments in its portal: its own, recorded (not undone), newest first, each
with the invoice it paid, and a receipt; never another client's."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from client_portal.tests.conftest import Status, make_client, make_invoice, signed_in
from payment_requests.models import BillingSettings, Payment
from payment_requests.services import manual


def mark_paid(tenant, item, amount, days_ago=0, **extra):
    with schema_context(tenant.schema_name):
        return manual.mark_paid(
            item.pk,
            actor=owner_of(tenant),
            amount=Decimal(amount),
            method=extra.pop("method", "bank_transfer"),
            paid_on=timezone.localdate() - timedelta(days=days_ago),
            email_receipt=False,
            **extra,
        )


@pytest.fixture
def ana(alpha):
    return make_client(alpha, "Ana Client", "ana@client.test", address="1 Rue Haute\nParis")


def test_the_history_lists_the_clients_payments_newest_first_with_their_invoice(alpha, ana):
    first = make_invoice(alpha, ana, number="INV-00001", amount="1000.00")
    second = make_invoice(alpha, ana, number="INV-00002", amount="80.00")
    mark_paid(alpha, first, "400.00", days_ago=10, reference="VIR-OLD")
    mark_paid(alpha, second, "80.00", days_ago=1, method="cheque", reference="CHQ 0042")

    text = signed_in(alpha, ana).get("/portal/payments/").content.decode()

    assert text.index("CHQ 0042") < text.index("VIR-OLD")  # newest first
    assert "€400.00" in text and "€80.00" in text
    assert "Cheque" in text and "Bank transfer" in text
    assert f'href="/portal/invoices/{first.pk}/">INV-00001' in text
    assert f'href="/portal/invoices/{second.pk}/">INV-00002' in text


def test_undone_payments_and_other_clients_payments_are_not_shown(alpha, ana):
    mine = make_invoice(alpha, ana, number="INV-00001")
    bruno = make_client(alpha, "Bruno Other", "bruno@client.test")
    theirs = make_invoice(alpha, bruno, number="INV-00009")
    undone = mark_paid(alpha, mine, "50.00", reference="MISTAKE-1")
    with schema_context(alpha.schema_name):
        manual.undo_payment(mine.pk, undone.pk, actor=owner_of(alpha))
    kept = mark_paid(alpha, mine, "20.00", reference="KEPT-1")
    other = mark_paid(alpha, theirs, "30.00", reference="BRUNO-1")
    page = signed_in(alpha, ana)

    text = page.get("/portal/payments/").content.decode()

    assert "KEPT-1" in text
    assert "MISTAKE-1" not in text and "BRUNO-1" not in text and "INV-00009" not in text
    assert page.get(f"/portal/payments/{kept.pk}/").status_code == 200
    for pk in (undone.pk, other.pk, 999999):
        response = page.get(f"/portal/payments/{pk}/")
        assert response.status_code == 404
        assert "BRUNO-1" not in response.content.decode()


def test_the_receipt_shows_account_client_amount_date_method_and_invoice(alpha, ana):
    with schema_context(alpha.schema_name):
        BillingSettings.objects.update_or_create(pk=1, defaults={"address": "9 Account Street"})
    item = make_invoice(alpha, ana, number="INV-00007", amount="1250.00")
    payment = mark_paid(alpha, item, "1250.00", method="cash", reference="R-77")

    text = signed_in(alpha, ana).get(f"/portal/payments/{payment.pk}/").content.decode()

    assert "Payment receipt" in text
    assert alpha.name in text and "9 Account Street" in text
    assert "Ana Client" in text and "1 Rue Haute" in text
    assert "€1,250.00" in text and "Cash" in text and "R-77" in text
    assert f'href="/portal/invoices/{item.pk}/">INV-00007' in text
    assert str(timezone.localdate().year) in text


def test_a_zero_decimal_currency_is_shown_without_cents(alpha, ana):
    item = make_invoice(alpha, ana, number="INV-00003", amount="5000", currency="JPY")
    mark_paid(alpha, item, "5000")
    text = signed_in(alpha, ana).get("/portal/payments/").content.decode()
    assert "¥5,000" in text and "¥5,000.00" not in text


def test_the_history_pages_by_twenty(alpha, ana):
    item = make_invoice(alpha, ana, number="INV-00001", amount="100.00")
    for index in range(21):
        mark_paid(alpha, item, "1.00", reference=f"P-{index:02}")
    page = signed_in(alpha, ana)
    first = page.get("/portal/payments/").content.decode()
    second = page.get("/portal/payments/?page=2").content.decode()
    assert first.count("/portal/payments/") >= 20
    with schema_context(alpha.schema_name):
        assert Payment.objects.filter(request=item).count() == 21
    assert ("P-00" in first) != ("P-00" in second)


def test_a_drafts_payment_is_never_shown(alpha, ana):
    item = make_invoice(alpha, ana, status=Status.DRAFT, amount="10.00")
    with schema_context(alpha.schema_name):
        draft_payment = Payment.objects.create(
            request=item,
            source=Payment.Source.MANUAL,
            amount=Decimal("10.00"),
            currency="EUR",
            reference="DRAFTPAY",
            paid_at=timezone.now(),
        )
    page = signed_in(alpha, ana)
    assert "DRAFTPAY" not in page.get("/portal/payments/").content.decode()
    assert page.get(f"/portal/payments/{draft_payment.pk}/").status_code == 404
