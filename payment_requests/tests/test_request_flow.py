"""A payment request from creation to paid, canceled or deleted, against emulated Stripe."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import requests
from django.utils import timezone
from django.utils.formats import date_format
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on
from emulators.stripe.app import Fault
from payment_requests import services
from payment_requests.models import Payment, PaymentRequest
from payment_requests.tests.conftest import (
    decline_a_card,
    deliver_new_events,
    event_count,
    link_from,
    make_client,
    make_request,
    send,
)


def test_creating_and_sending_from_the_form(
    alpha_billing, alpha, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            "/billing/requests/new/",
            {
                "kind": "invoice",
                "description": "Website redesign",
                "client": "",
                "new_client_name": "Bo Buyer",
                "new_client_email": "bo@buyer.test",
                "amount": "1250.50",
                "currency": "EUR",
                "due_date": due,
                "billing_type": "invoice",
                "action": "send",
            },
        )
    assert response.status_code == 302
    with schema_context(alpha.schema_name):
        item = PaymentRequest.objects.get()
        assert item.status == "sent" and item.number == "INV-00001"
        assert item.client.email == "bo@buyer.test"
        assert item.remote.remote_id.startswith("in_")
    (mail,) = mailoutbox
    assert mail.to == ["bo@buyer.test"]
    assert "1,250.50" in mail.body and "Website redesign" in mail.body
    assert "/pay/" in link_from(mail) and alpha.host in link_from(mail)
    html = mail.alternatives[0][0]
    assert "1,250.50" in html and "View and pay" in html
    dashboard = owner_client.get(response["Location"]).content.decode()
    assert "INV-00001" in dashboard and "Sent (pending)" in dashboard
    assert item.remote.remote_id in dashboard


def test_client_pays_through_the_emailed_link(
    stripe_platform,
    alpha_billing,
    alpha,
    sent_request,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    anonymous = client_on(alpha)
    link = urlsplit(link_from(mailoutbox[0])).path
    page = anonymous.get(link)
    assert "150.00" in page.content.decode() and "Pay now" in page.content.decode()
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().first_viewed_at is not None

    go = anonymous.get(link + "go/")
    assert go.status_code == 302 and go["Location"].startswith(stripe_platform.url + "/i/")
    since = event_count(stripe_platform, alpha_billing)
    paid = requests.post(go["Location"], data={"card": "4242424242424242"}, timeout=5)
    assert "Thank you" in paid.text
    with django_capture_on_commit_callbacks(execute=True):
        deliver_new_events(stripe_platform, alpha_billing, alpha, since)

    with schema_context(alpha.schema_name):
        item = PaymentRequest.objects.get()
        assert item.status == "paid" and item.amount_paid == Decimal("150.00")
        (payment,) = Payment.objects.all()
        assert payment.method == "Visa •••• 4242"
    confirmations = mailoutbox[1:]
    assert sorted(m.to[0] for m in confirmations) == ["ana@client.test", alpha.owner_email]
    assert all("150.00" in m.subject for m in confirmations)
    assert "paid" in anonymous.get(link).content.decode()


def test_staff_previews_do_not_count_as_the_clients_view(
    alpha, sent_request, owner_client, mailoutbox
):
    owner_client.get(urlsplit(link_from(mailoutbox[0])).path)
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().first_viewed_at is None


def test_a_declined_card_leaves_it_unpaid_with_the_reason(
    stripe_platform,
    alpha_billing,
    alpha,
    sent_request,
    owner_client,
    django_capture_on_commit_callbacks,
):
    decline_a_card(
        stripe_platform, alpha_billing, alpha, sent_request, django_capture_on_commit_callbacks
    )
    with schema_context(alpha.schema_name):
        item = PaymentRequest.objects.get()
        assert item.status == "sent"
        assert item.payment_failure == "The card was declined."
        assert item.last_error == ""  # the client's card, not a platform error
    dashboard = owner_client.get(f"/billing/?open={item.pk}").content.decode()
    assert "Payment failed: The card was declined." in dashboard
    assert "last payment attempt failed" in dashboard
    assert "Platform error" not in dashboard


def test_cancel_voids_the_invoice_and_the_old_link_takes_no_payment(
    stripe_platform,
    alpha_billing,
    alpha,
    sent_request,
    owner_client,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/billing/requests/{sent_request.pk}/cancel/")
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().status == "canceled"
    remote = stripe_platform.state.accounts[alpha_billing.remote_account_id].objects[
        sent_request.remote.remote_id
    ]
    assert remote["status"] == "void"
    assert mailoutbox[-1].subject.endswith("canceled invoice INV-00001")

    link = urlsplit(link_from(mailoutbox[0])).path
    anonymous = client_on(alpha)
    page = anonymous.get(link).content.decode()
    assert "canceled (void)" in page and "Pay now" not in page
    assert anonymous.get(link + "go/")["Location"].endswith(link)
    hosted = requests.get(remote["hosted_invoice_url"], timeout=5).text
    assert "voided" in hosted


def test_delete_of_a_payable_request_warns_and_needs_confirmation(
    alpha, sent_request, owner_client
):
    page = owner_client.post(f"/billing/requests/{sent_request.pk}/delete/", follow=True)
    assert "deleting it does not cancel it" in page.content.decode()
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().deleted_at is None

    owner_client.post(f"/billing/requests/{sent_request.pk}/delete/", {"confirm_open": "yes"})
    with schema_context(alpha.schema_name):
        item = PaymentRequest.objects.get()
        assert item.status == "sent" and item.deleted_at is not None  # still payable
    assert "Consulting" not in owner_client.get("/billing/").content.decode()
    assert "Consulting" in owner_client.get("/billing/?status=deleted").content.decode()


def test_locked_fields_cannot_be_changed_by_a_crafted_post(alpha, sent_request, owner_client):
    other = make_client(alpha, email="eve@client.test", name="Eve")
    owner_client.post(
        f"/billing/requests/{sent_request.pk}/edit/",
        {
            "kind": "deposit",
            "description": "Renamed",
            "client": other.pk,
            "amount": "1.00",
            "currency": "USD",
            "due_date": "2030-01-01",
            "billing_type": "invoice",
        },
    )
    with schema_context(alpha.schema_name):
        item = PaymentRequest.objects.get()
        assert item.description == "Renamed"
        assert (item.kind, item.amount, item.currency, item.client.email) == (
            "invoice",
            Decimal("150.00"),
            "EUR",
            "ana@client.test",
        )
        with pytest.raises(services.ActionRefused):
            services.update_draft(item.pk, actor=None, amount=Decimal("1.00"))
        with pytest.raises(services.ActionRefused):
            services.update_draft(item.pk, actor=None, kind="deposit")


def test_a_platform_refusal_keeps_the_draft_with_the_error_and_a_retry_works(
    stripe_platform, alpha_billing, alpha, mailoutbox, django_capture_on_commit_callbacks
):
    """The number is taken when Send claims the draft (Stripe must show it), so the refused
    draft keeps it for its retry and the next request takes the one after: no gap, and the
    number never changes once the client could have seen it."""
    make_client(alpha)
    first = make_request(alpha)
    second = make_request(alpha, description="Second")
    stripe_platform.app.faults.append(
        Fault({"path": "/v1/customers", "kind": "error_500", "times": 3})
    )
    with pytest.raises(services.ActionRefused):
        send(alpha, first.pk, django_capture_on_commit_callbacks)
    with schema_context(alpha.schema_name):
        failed = PaymentRequest.objects.get(pk=first.pk)
        assert failed.status == "draft" and failed.number == "INV-00001"
        assert "Stripe" in failed.last_error
    assert mailoutbox == []

    assert send(alpha, second.pk, django_capture_on_commit_callbacks).number == "INV-00002"
    assert send(alpha, first.pk, django_capture_on_commit_callbacks).number == "INV-00001"
    assert len(mailoutbox) == 2


def test_a_refused_invoice_sent_again_keeps_its_number_on_one_stripe_invoice(
    stripe_platform, alpha_billing, alpha, mailoutbox, django_capture_on_commit_callbacks
):
    make_client(alpha)
    draft = make_request(alpha)
    stripe_platform.app.faults.append(
        Fault({"path": r"/v1/invoices/in_\w+/finalize", "kind": "refusal"})
    )
    with pytest.raises(services.ActionRefused):
        send(alpha, draft.pk, django_capture_on_commit_callbacks)

    item = send(alpha, draft.pk, django_capture_on_commit_callbacks)
    later = send(alpha, make_request(alpha).pk, django_capture_on_commit_callbacks)

    assert (item.status, item.number, later.number) == ("sent", "INV-00001", "INV-00002")
    account = stripe_platform.state.accounts[alpha_billing.remote_account_id]
    live = [
        (o["id"], o["number"])
        for o in account.objects.values()
        if o.get("object") == "invoice" and not o.get("deleted")
    ]
    assert sorted(live) == sorted(
        [(item.remote.remote_id, "INV-00001"), (later.remote.remote_id, "INV-00002")]
    )
    assert "INV-00001" in mailoutbox[0].body


def test_the_stripe_invoice_and_its_pay_page_carry_our_number(
    stripe_platform, alpha_billing, sent_request
):
    invoice = stripe_platform.state.accounts[alpha_billing.remote_account_id].objects[
        sent_request.remote.remote_id
    ]
    assert sent_request.number == invoice["number"] == "INV-00001"
    assert "Invoice INV-00001" in requests.get(invoice["hosted_invoice_url"], timeout=5).text


def test_the_request_reminder_and_cancel_emails_carry_the_number(
    alpha, sent_request, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/billing/requests/{sent_request.pk}/remind/")
        owner_client.post(f"/billing/requests/{sent_request.pk}/cancel/")
    request, reminder, canceled = mailoutbox
    assert "Reminder:" in reminder.subject and "canceled" in canceled.subject
    for mail in (request, reminder, canceled):
        assert "INV-00001" in mail.subject
        assert "Invoice number: INV-00001" in mail.body
        assert "INV-00001" in mail.alternatives[0][0]


def test_sending_twice_sends_once(
    alpha_billing, alpha, sent_request, mailoutbox, django_capture_on_commit_callbacks
):
    again = send(alpha, sent_request.pk, django_capture_on_commit_callbacks)
    assert again.number == sent_request.number
    assert len(mailoutbox) == 1


def test_a_reminder_emails_the_client_with_the_due_date(
    alpha, sent_request, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/billing/requests/{sent_request.pk}/remind/")
    reminder = mailoutbox[-1]
    due = date_format(sent_request.due_date, "DATE_FORMAT")  # as the client reads it
    assert reminder.to == ["ana@client.test"]
    assert reminder.subject == (
        f"Reminder: invoice {sent_request.number} from Alpha Studio due {due}"
    )
    assert f"the payment below is due on {due}." in reminder.body
    html, _type = reminder.alternatives[0]
    assert f"the payment below is due on <strong>{due}</strong>." in html


def test_a_one_off_payment_link_is_paid_through_checkout(
    stripe_platform, alpha_billing, alpha, mailoutbox, django_capture_on_commit_callbacks
):
    make_client(alpha)
    draft = make_request(
        alpha, billing_type="payment_link", success_url="https://studio.example/thanks"
    )
    item = send(alpha, draft.pk, django_capture_on_commit_callbacks)
    assert item.remote.kind == "payment_link" and item.remote.remote_id.startswith("cs_test_")

    go = client_on(alpha).get(urlsplit(link_from(mailoutbox[0])).path + "go/")
    assert go["Location"].startswith(stripe_platform.url + "/c/pay/cs_test_")
    assert "Invoice INV-00001" in requests.get(go["Location"], timeout=5).text
    since = event_count(stripe_platform, alpha_billing)
    answer = requests.post(
        go["Location"], data={"card": "4242424242424242"}, allow_redirects=False, timeout=5
    )
    assert answer.headers["Location"] == "https://studio.example/thanks"
    with django_capture_on_commit_callbacks(execute=True):
        deliver_new_events(stripe_platform, alpha_billing, alpha, since)
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().status == "paid"
        assert Payment.objects.get().amount == Decimal("150.00")


def test_an_unpaid_payment_link_expires_after_24_hours(
    stripe_platform,
    alpha_billing,
    alpha,
    mailoutbox,
    owner_client,
    django_capture_on_commit_callbacks,
):
    make_client(alpha)
    draft = make_request(alpha, billing_type="payment_link")
    send(alpha, draft.pk, django_capture_on_commit_callbacks)
    since = event_count(stripe_platform, alpha_billing)
    stripe_platform.state.advance_clock(24 * 3600 + 60)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            deliver_new_events(stripe_platform, alpha_billing, alpha, since)
    finally:
        stripe_platform.state.clock_offset = 0
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().status == "expired"
    page = client_on(alpha).get(urlsplit(link_from(mailoutbox[0])).path).content.decode()
    assert "expired" in page and "Pay now" not in page
    assert "Expired" in owner_client.get("/billing/").content.decode()


def test_a_locked_request_can_be_recreated_from_a_copy(alpha, sent_request, owner_client):
    panel = owner_client.get(f"/billing/?open={sent_request.pk}").content.decode()
    assert "cancel this request and create a new one" in panel
    form = owner_client.get(f"/billing/requests/new/?copy={sent_request.pk}").content.decode()
    assert 'value="150.00"' in form and 'value="Consulting – June 2024"' in form
