"""A client's credit is applied to its next invoices as they are sent: the platform bills the
rest, a fully credited invoice is Paid at once, and an invoice that will never be paid gives
the credit back."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from connectors.tasks import drain_inbox
from credits.models import CreditApplication, CreditNote
from credits.services.applying import apply_to
from credits.tests.conftest import (
    client_pays_on_stripe,
    credit,
    fresh,
    history,
    make_client,
    make_request,
    send,
)
from emulators.stripe.app import Fault
from payment_requests import services
from payment_requests.models import Payment, PaymentRequest
from payment_requests.services.common import lock


def stripe_invoice(emulator, connection, item) -> dict:
    return emulator.state.accounts[connection.remote_account_id].objects[item.remote.remote_id]


def test_the_stripe_invoice_asks_for_the_rest_and_paying_it_makes_the_invoice_paid(
    stripe_platform, alpha_billing, alpha, mailoutbox, django_capture_on_commit_callbacks
):
    ana = make_client(alpha)
    note = credit(alpha, ana, "30.00")
    item = send(alpha, make_request(alpha, ana, "100.00").pk, django_capture_on_commit_callbacks)

    invoice = stripe_invoice(stripe_platform, alpha_billing, item)
    assert invoice["amount_due"] == 7000 and invoice["total"] == 7000
    lines = [(line["description"], line["amount"]) for line in invoice["lines"]["data"]]
    assert ("Credit note CR-00001", -3000) in lines
    assert (item.status, item.amount_paid, item.balance_due) == ("sent", 30, 70)
    assert "Credit CR-00001 applied: €30.00" in history(alpha, item)

    client_pays_on_stripe(
        stripe_platform, alpha_billing, alpha, item, django_capture_on_commit_callbacks
    )

    item = fresh(alpha, item)
    assert (item.status, item.amount_paid) == ("paid", Decimal("100.00"))
    note = fresh(alpha, note)
    assert (note.amount_applied, note.remaining) == (Decimal("30.00"), 0)


def test_a_credit_larger_than_an_invoice_pays_the_next_one_too(
    stripe_platform, alpha_billing, alpha, mailoutbox, django_capture_on_commit_callbacks
):
    ana = make_client(alpha)
    note = credit(alpha, ana, "80.00")
    first = send(alpha, make_request(alpha, ana, "50.00").pk, django_capture_on_commit_callbacks)
    second = send(alpha, make_request(alpha, ana, "100.00").pk, django_capture_on_commit_callbacks)

    assert (first.status, first.amount_paid) == ("paid", Decimal("50.00"))
    assert first.remote_id is None  # paid in full by the credit: nothing sent to Stripe
    assert "Paid with credit CR-00001" in history(alpha, first)
    assert stripe_invoice(stripe_platform, alpha_billing, second)["amount_due"] == 7000
    assert fresh(alpha, note).remaining == 0


def test_an_invoice_the_credit_pays_in_full_is_paid_and_the_client_gets_a_receipt(
    stripe_platform, alpha_billing, alpha, mailoutbox, django_capture_on_commit_callbacks
):
    ana = make_client(alpha)
    credit(alpha, ana, "150.00")
    calls = event_count_of(stripe_platform, alpha_billing)

    item = send(alpha, make_request(alpha, ana, "150.00").pk, django_capture_on_commit_callbacks)

    assert (item.status, item.remote_id, item.number) == ("paid", None, "INV-00001")
    assert event_count_of(stripe_platform, alpha_billing) == calls  # no Stripe invoice at all
    to_client = [mail for mail in mailoutbox if mail.to == ["ana@client.test"]]
    assert len(to_client) == 1 and "150.00" in to_client[0].subject
    assert "(Credit note CR-00001)" in to_client[0].body


def event_count_of(emulator, connection) -> int:
    account = emulator.state.accounts[connection.remote_account_id]
    return sum(1 for o in account.objects.values() if o.get("object") == "invoice")


def test_a_refused_send_gives_the_credit_back_and_the_draft_owes_its_whole_amount(
    stripe_platform, alpha_billing, alpha, django_capture_on_commit_callbacks
):
    ana = make_client(alpha)
    note = credit(alpha, ana, "30.00")
    draft = make_request(alpha, ana, "100.00")
    stripe_platform.app.faults.append(
        Fault({"path": r"/v1/invoices/in_\w+/finalize", "kind": "refusal"})
    )
    with pytest.raises(services.ActionRefused):
        send(alpha, draft.pk, django_capture_on_commit_callbacks)

    draft = fresh(alpha, draft)
    assert (draft.status, draft.amount_paid, draft.balance_due) == ("draft", 0, 100)
    assert fresh(alpha, note).remaining == Decimal("30.00")
    assert "Credit CR-00001 given back: €30.00" in history(alpha, draft)

    item = send(alpha, draft.pk, django_capture_on_commit_callbacks)  # the retry applies it
    assert stripe_invoice(stripe_platform, alpha_billing, item)["amount_due"] == 7000
    assert fresh(alpha, note).remaining == 0


def test_canceling_the_invoice_gives_the_credit_back(
    stripe_platform, alpha_billing, alpha, django_capture_on_commit_callbacks
):
    ana = make_client(alpha)
    note = credit(alpha, ana, "30.00")
    item = send(alpha, make_request(alpha, ana, "100.00").pk, django_capture_on_commit_callbacks)

    with schema_context(alpha.schema_name), django_capture_on_commit_callbacks(execute=True):
        services.cancel_request(item.pk, actor=owner_of(alpha))

    assert fresh(alpha, note).remaining == Decimal("30.00")
    assert "Credit CR-00001 given back: €30.00" in history(alpha, item)
    with schema_context(alpha.schema_name):
        assert fresh(alpha, item).amount_paid == 0
        assert not Payment.objects.filter(request=item, undone_at__isnull=True).exists()
    nxt = send(alpha, make_request(alpha, ana, "100.00").pk, django_capture_on_commit_callbacks)
    assert nxt.amount_paid == Decimal("30.00")  # the next invoice gets it


def test_sending_twice_applies_the_credit_once(
    stripe_platform, alpha_billing, alpha, django_capture_on_commit_callbacks
):
    ana = make_client(alpha)
    credit(alpha, ana, "30.00")
    draft = make_request(alpha, ana, "100.00")

    send(alpha, draft.pk, django_capture_on_commit_callbacks)
    item = send(alpha, draft.pk, django_capture_on_commit_callbacks)

    assert item.amount_paid == Decimal("30.00")
    with schema_context(alpha.schema_name):
        assert CreditApplication.objects.count() == 1


def test_a_taken_over_stale_claim_finds_the_credit_applied(
    stripe_platform, alpha_billing, alpha, django_capture_on_commit_callbacks
):
    ana = make_client(alpha)
    credit(alpha, ana, "30.00")
    credit(alpha, ana, "20.00")
    draft = make_request(alpha, ana, "100.00")
    with schema_context(alpha.schema_name):
        with transaction.atomic():  # a worker claimed it, applied the credit, then died
            request = lock(draft.pk)
            apply_to(request, "user")
            request.status = PaymentRequest.Status.SENDING
            request.number = "INV-00001"
            request.connection = alpha_billing
            request.sending_since = timezone.now() - timedelta(hours=1)
            request.save()
    credit(alpha, ana, "10.00")  # issued since: the taken-over send must not apply it

    item = send(alpha, draft.pk, django_capture_on_commit_callbacks)

    assert (item.status, item.amount_paid) == ("sent", Decimal("50.00"))
    assert stripe_invoice(stripe_platform, alpha_billing, item)["amount_due"] == 5000


def test_a_credit_in_another_currency_or_kept_to_refund_is_not_applied(
    stripe_platform, alpha_billing, alpha, django_capture_on_commit_callbacks
):
    ana = make_client(alpha)
    credit(alpha, ana, "3000", currency="JPY")
    credit(alpha, ana, "10.00", use=CreditNote.Use.REFUND)
    bob = make_client(alpha, name="Bob Other", email="bob@client.test")
    credit(alpha, bob, "10.00")

    item = send(alpha, make_request(alpha, ana, "100.00").pk, django_capture_on_commit_callbacks)

    assert item.amount_paid == 0
    assert stripe_invoice(stripe_platform, alpha_billing, item)["amount_due"] == 10000


def test_a_payment_link_with_credit_is_one_checkout_line_of_the_rest(
    stripe_platform, alpha_billing, alpha, django_capture_on_commit_callbacks
):
    ana = make_client(alpha)
    credit(alpha, ana, "30.00")
    draft = make_request(alpha, ana, "100.00", billing_type="payment_link")

    item = send(alpha, draft.pk, django_capture_on_commit_callbacks)

    session = stripe_invoice(stripe_platform, alpha_billing, item)
    assert session["amount_total"] == 7000
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get(pk=item.pk).remote.amount_due == Decimal("70.00")


def test_marking_sent_applies_the_credit_without_the_platform(alpha, owner_client):
    ana = make_client(alpha)
    credit(alpha, ana, "30.00")
    draft = make_request(alpha, ana, "100.00")

    with schema_context(alpha.schema_name):
        item = services.mark_sent(draft.pk, actor=owner_of(alpha))

    assert (item.status, item.amount_paid, item.balance_due) == ("sent", 30, 70)


def test_refunding_all_the_money_of_a_credited_invoice_makes_it_refunded(
    stripe_platform, alpha_billing, alpha, django_capture_on_commit_callbacks
):
    from payment_requests.tests.conftest import event_count, post_new_events

    ana = make_client(alpha)
    credit(alpha, ana, "30.00")
    item = send(alpha, make_request(alpha, ana, "100.00").pk, django_capture_on_commit_callbacks)
    since = event_count(stripe_platform, alpha_billing)
    intent = stripe_platform.state.pay_invoice(
        alpha_billing.remote_account_id, item.remote.remote_id, "4242424242424242"
    )["id"]
    with django_capture_on_commit_callbacks(execute=True):
        post_new_events(stripe_platform, alpha_billing, since)
        drain_inbox(alpha.schema_name)
    assert fresh(alpha, item).status == "paid"

    since = event_count(stripe_platform, alpha_billing)
    with stripe_platform.state.lock:  # the provider refunds the €70.00 in Stripe's dashboard
        data = stripe_platform.state.accounts[alpha_billing.remote_account_id]
        stripe_platform.state.refund(data, {"payment_intent": intent}, False)
    with django_capture_on_commit_callbacks(execute=True):
        post_new_events(stripe_platform, alpha_billing, since)
        drain_inbox(alpha.schema_name)

    item = fresh(alpha, item)
    assert (item.status, item.amount_refunded) == ("refunded", Decimal("70.00"))
