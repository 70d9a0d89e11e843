"""The side panel's *More actions*: email invoice, mark sent, mark paid by hand, undo."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member, owner_of
from payment_requests.models import Payment, PaymentRequest, RequestLink
from payment_requests.services.manual import account_today
from payment_requests.tests.conftest import (
    deliver_new_events,
    event_count,
    link_from,
    make_client,
    make_request,
)

S = PaymentRequest.Status


@pytest.fixture
def draft(alpha):
    make_client(alpha)
    return make_request(alpha)


def reload(tenant, pk) -> PaymentRequest:
    with schema_context(tenant.schema_name):
        return PaymentRequest.objects.get(pk=pk)


def history(tenant, pk) -> list[str]:
    with schema_context(tenant.schema_name):
        item = PaymentRequest.objects.get(pk=pk)
        return [f"{change.to_status}: {change.note_text}" for change in item.history.all()]


def pay(page_client, pk, amount, *, paid_on=None, method="cash", reference="", key="", **extra):
    data = {
        "amount": amount,
        "method": method,
        "paid_on": (paid_on or timezone.localdate()).isoformat(),
        "reference": reference,
        "entry_key": key,
        **extra,
    }
    return page_client.post(f"/billing/requests/{pk}/mark-paid/", data, follow=True)


def test_mark_sent_numbers_the_draft_without_email_or_platform(
    alpha, draft, owner_client, mailoutbox, stripe_platform
):
    page = owner_client.post(f"/billing/requests/{draft.pk}/mark-sent/", follow=True)

    assert "Marked sent. Nothing was emailed" in page.content.decode()
    item = reload(alpha, draft.pk)
    assert item.status == S.SENT
    assert item.number.startswith("INV-")
    assert item.remote_id is None and item.connection_id is None
    assert mailoutbox == []
    with schema_context(alpha.schema_name):
        assert not RequestLink.objects.filter(request=item).exists()
        change = item.history.last()
        assert change.note_text == "Marked sent (not emailed)"
        assert change.actor == owner_of(alpha)
    dashboard = owner_client.get("/billing/").content.decode()
    assert item.number in dashboard and "Sent (pending)" in dashboard


def test_mark_sent_twice_writes_one_history_row(alpha, draft, owner_client):
    owner_client.post(f"/billing/requests/{draft.pk}/mark-sent/")
    owner_client.post(f"/billing/requests/{draft.pk}/mark-sent/")
    assert history(alpha, draft.pk).count("sent: Marked sent (not emailed)") == 1


def test_email_invoice_emails_a_sent_request_again_with_the_request_wording(
    alpha, sent_request, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = owner_client.post(f"/billing/requests/{sent_request.pk}/email/", follow=True)
        owner_client.post(f"/billing/requests/{sent_request.pk}/email/")  # a double click

    assert "Invoice emailed again to" in page.content.decode()
    assert len(mailoutbox) == 1
    assert "/pay/" in mailoutbox[0].body and "reminder" not in mailoutbox[0].subject.lower()
    assert reload(alpha, sent_request.pk).status == S.SENT


def test_email_invoice_sends_a_draft_through_the_platform(
    alpha, alpha_billing, draft, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/billing/requests/{draft.pk}/email/")
    item = reload(alpha, draft.pk)
    assert item.status == S.SENT and item.remote_id is not None
    assert len(mailoutbox) == 1


def test_mark_paid_in_full_makes_it_paid_with_its_payment_in_the_panel(
    alpha, draft, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    owner_client.post(f"/billing/requests/{draft.pk}/mark-sent/")
    with django_capture_on_commit_callbacks(execute=True):
        page = pay(owner_client, draft.pk, "150.00", method="cheque", reference="CHQ 0042",
                   email_receipt="on")  # fmt: skip

    item = reload(alpha, draft.pk)
    assert item.status == S.PAID and item.amount_paid == Decimal("150.00")
    assert item.paid_at is not None
    text = page.content.decode()
    assert "Payment recorded." in text
    assert "Cheque" in text and "CHQ 0042" in text and "Recorded by hand by" in text
    assert "paid: Marked paid: €150.00 received" in history(alpha, draft.pk)
    assert [mail.to for mail in mailoutbox] == [[item.client.email], [owner_of(alpha).email]]
    assert "Cheque" in mailoutbox[0].body  # the method in words, not its code


def test_mark_paid_on_a_draft_numbers_it_and_sends_no_receipt_unless_asked(
    alpha, draft, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pay(owner_client, draft.pk, "150")
    item = reload(alpha, draft.pk)
    assert item.status == S.PAID and item.number.startswith("INV-")
    assert mailoutbox == []


def test_a_partial_payment_leaves_it_open_with_the_balance_due(alpha, draft, owner_client):
    owner_client.post(f"/billing/requests/{draft.pk}/mark-sent/")
    page = pay(owner_client, draft.pk, "100.50")

    item = reload(alpha, draft.pk)
    assert item.status == S.SENT
    assert item.amount_paid == Decimal("100.50") and item.balance_due == Decimal("49.50")
    assert "sent: Partial payment of €100.50 recorded" in history(alpha, draft.pk)
    assert "49.50" in page.content.decode()  # the balance due, and the form's new default

    pay(owner_client, draft.pk, "49.50")
    assert reload(alpha, draft.pk).status == S.PAID


def test_yen_are_paid_in_whole_yen(alpha, owner_client):
    make_client(alpha)
    item = make_request(alpha, amount="5000", currency="JPY")
    refused = pay(owner_client, item.pk, "2000.5").content.decode()
    assert "JPY amounts cannot have that many decimals" in refused
    pay(owner_client, item.pk, "2000")
    pay(owner_client, item.pk, "3000")
    item = reload(alpha, item.pk)
    assert (item.status, item.amount_paid) == (S.PAID, Decimal("5000"))
    assert "sent: Partial payment of ¥2,000 recorded" in history(alpha, item.pk)


def test_undo_reopens_the_request_and_keeps_the_history(alpha, draft, owner_client):
    pay(owner_client, draft.pk, "150")
    with schema_context(alpha.schema_name):
        payment = Payment.objects.get(request_id=draft.pk)

    page = owner_client.post(f"/billing/requests/{draft.pk}/payments/{payment.pk}/undo/",
                             follow=True)  # fmt: skip
    owner_client.post(f"/billing/requests/{draft.pk}/payments/{payment.pk}/undo/")  # again

    item = reload(alpha, draft.pk)
    assert (item.status, item.amount_paid, item.paid_at) == (S.SENT, 0, None)
    assert "Undone by" in page.content.decode()
    with schema_context(alpha.schema_name):
        payment.refresh_from_db()
        assert payment.undone_at and payment.undone_by == owner_of(alpha)
    steps = history(alpha, draft.pk)
    assert "paid: Marked paid: €150.00 received" in steps
    assert steps.count("sent: Manual payment of €150.00 undone") == 1


def test_undo_past_the_due_date_reopens_it_as_overdue(alpha, owner_client):
    make_client(alpha)
    item = make_request(alpha, days=-3)
    pay(owner_client, item.pk, "150")
    with schema_context(alpha.schema_name):
        payment = Payment.objects.get(request_id=item.pk)
    owner_client.post(f"/billing/requests/{item.pk}/payments/{payment.pk}/undo/")
    assert reload(alpha, item.pk).status == S.OVERDUE


def test_paying_twice_is_refused_and_the_same_form_twice_records_once(alpha, draft, owner_client):
    pay(owner_client, draft.pk, "50", key="form-1")
    pay(owner_client, draft.pk, "50", key="form-1")  # a double click
    assert reload(alpha, draft.pk).amount_paid == Decimal("50")
    pay(owner_client, draft.pk, "100")
    page = pay(owner_client, draft.pk, "50").content.decode()
    assert "This request is already paid." in page
    with schema_context(alpha.schema_name):
        assert Payment.objects.filter(request_id=draft.pk).count() == 2


@pytest.mark.parametrize(
    ("amount", "days", "refusal"),
    [
        ("150", 1, "The payment date cannot be in the future."),
        ("0", 0, "The amount must be greater than zero."),
        ("-5", 0, "The amount must be greater than zero."),
        ("150.01", 0, "The amount is more than the balance due (€150.00)."),
        ("abc", 0, "Enter a number"),
    ],
)
def test_bad_entries_are_refused_and_record_nothing(alpha, draft, owner_client, amount, days,
                                                     refusal):  # fmt: skip
    with schema_context(alpha.schema_name):
        paid_on = account_today() + timedelta(days=days)
    page = pay(owner_client, draft.pk, amount, paid_on=paid_on).content.decode()
    assert refusal in page
    item = reload(alpha, draft.pk)
    assert (item.status, item.amount_paid) == (S.DRAFT, 0)


def test_a_platform_payment_cannot_be_undone(
    alpha, stripe_platform, alpha_billing, sent_request, owner_client,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    since = event_count(stripe_platform, alpha_billing)
    stripe_platform.state.pay_invoice(
        alpha_billing.remote_account_id, sent_request.remote.remote_id, "4242424242424242"
    )
    with django_capture_on_commit_callbacks(execute=True):
        deliver_new_events(stripe_platform, alpha_billing, alpha, since)
    with schema_context(alpha.schema_name):
        payment = Payment.objects.get(request_id=sent_request.pk)
    assert payment.source == Payment.Source.PLATFORM

    page = owner_client.post(
        f"/billing/requests/{sent_request.pk}/payments/{payment.pk}/undo/", follow=True
    ).content.decode()

    assert "cannot be undone here" in page
    assert reload(alpha, sent_request.pk).status == S.PAID
    assert "paid: Marked paid" not in " ".join(history(alpha, sent_request.pk))


def test_marked_paid_on_the_platform_says_its_invoice_stays_open(alpha, sent_request, owner_client):
    page = pay(owner_client, sent_request.pk, "150").content.decode()
    assert reload(alpha, sent_request.pk).status == S.PAID
    assert "the Stripe invoice stays open" in page


def test_a_marked_sent_invoice_pay_page_says_to_contact_the_provider(
    alpha, draft, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    owner_client.post(f"/billing/requests/{draft.pk}/mark-sent/")
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/billing/requests/{draft.pk}/email/")
    path = urlsplit(link_from(mailoutbox[-1])).path
    client = client_on(alpha)
    page = client.get(path).content.decode()
    assert "Please contact" in page and "Pay now" not in page
    assert client.get(path + "go/").status_code == 302


def test_other_accounts_and_employees_without_access_change_nothing(alpha, beta, draft):
    beta_owner = client_on(beta, owner_of(beta))
    employee = client_on(alpha, make_member(alpha, "clerk@alpha.example"))
    for action in ("mark-paid", "mark-sent", "email"):
        url = f"/billing/requests/{draft.pk}/{action}/"
        data = {"amount": "150", "method": "cash", "paid_on": timezone.localdate().isoformat()}
        assert beta_owner.post(url, data).status_code == 404
        assert employee.post(url, data).status_code == 403
    assert reload(alpha, draft.pk).status == S.DRAFT


def test_an_employee_given_access_marks_paid(alpha, draft):
    from payment_requests.models import BillingAccess

    clerk = make_member(alpha, "clerk@alpha.example")
    with schema_context(alpha.schema_name):
        BillingAccess.objects.create(user=clerk)
    pay(client_on(alpha, clerk), draft.pk, "150")
    assert reload(alpha, draft.pk).status == S.PAID


def test_a_refused_payment_comes_back_as_typed_with_its_error(alpha, draft, owner_client):
    page = pay(owner_client, draft.pk, "150.01", method="cheque", reference="CHQ 0042")
    html = page.content.decode()
    assert page.redirect_chain[-1][0].endswith("#mark-paid")
    form = html[html.index('id="mark-paid"') :]
    assert form.startswith('id="mark-paid" open>')
    assert "The amount is more than the balance due (€150.00)." in html
    assert 'value="150.01"' in form and 'value="CHQ 0042"' in form
    assert '<option value="cheque" selected>' in form
    # Shown once: the panel opened afterwards offers the usual form again.
    again = owner_client.get(f"/billing/?open={draft.pk}").content.decode()
    assert 'id="mark-paid">' in again and "CHQ 0042" not in again


def test_a_mistyped_amount_is_shown_beside_its_field(alpha, draft, owner_client):
    html = pay(owner_client, draft.pk, "abc", reference="VIR 77").content.decode()
    assert "The payment was not recorded: please check its details." in html
    assert 'value="abc"' in html and 'value="VIR 77"' in html
    form = html[html.index('id="mark-paid"') :]
    assert f'id="mark-paid-{draft.pk}-amount_error">Enter a number, for example' in form
