"""A refund made on Stripe reaches billing: the request becomes Partially refunded, then
Refunded; its payment keeps what was refunded; the client and the request's creator are told
once per refund, however often and in whatever order the events arrive."""

from __future__ import annotations

from decimal import Decimal

from django_tenants.utils import schema_context

from clients.models import Client
from connectors.models import RemoteObject, RemotePayment
from connectors.tasks import drain_inbox
from emulators.stripe.state import SUCCESS_CARD
from payment_requests import services
from payment_requests.models import Payment, PaymentRequest, StatusChange
from payment_requests.tests.conftest import (
    deliver_new_events,
    event_count,
    make_client,
    make_request,
    post_events,
    send,
)


def pay_on_stripe(emulator, connection, item) -> str:
    """The client pays the invoice on Stripe; its payment intent's id."""
    intent = emulator.state.pay_invoice(
        connection.remote_account_id, item.remote.remote_id, SUCCESS_CARD
    )
    return intent["id"]


def refund_on_stripe(emulator, connection, intent_id, cents=None) -> None:
    """What the provider does in Stripe's dashboard: refund part (``cents``) or the rest."""
    params = {"payment_intent": intent_id} | ({"amount": cents} if cents else {})
    with emulator.state.lock:
        data = emulator.state.accounts[connection.remote_account_id]
        emulator.state.refund(data, params, False)


def paid(emulator, connection, tenant, item, captured) -> str:
    """Paid on Stripe and its webhooks applied; the payment intent's id."""
    since = event_count(emulator, connection)
    intent_id = pay_on_stripe(emulator, connection, item)
    with captured(execute=True):
        deliver_new_events(emulator, connection, tenant, since)
    return intent_id


def refunded(emulator, connection, tenant, intent_id, captured, cents=None, times=1) -> None:
    """Refunded on Stripe; its webhook delivered ``times`` times and applied."""
    since = event_count(emulator, connection)
    refund_on_stripe(emulator, connection, intent_id, cents)
    for _time in range(times):
        with captured(execute=True):
            deliver_new_events(emulator, connection, tenant, since)


def refund_emails(mailoutbox) -> dict[str, list[str]]:
    """The refund emails sent so far: their subjects, by recipient."""
    sent = {}
    for mail in mailoutbox:
        if "refund" in mail.subject:
            sent.setdefault(mail.to[0], []).append(mail.subject)
    return sent


def request_of(tenant, pk) -> PaymentRequest:
    with schema_context(tenant.schema_name):
        return PaymentRequest.objects.get(pk=pk)


def history_notes(tenant, pk) -> list[str]:
    with schema_context(tenant.schema_name):
        return [change.note_text for change in StatusChange.objects.filter(request_id=pk)]


def test_a_partial_refund_makes_it_partially_refunded_shows_both_amounts_and_tells_each_once(
    stripe_platform,
    alpha_billing,
    alpha,
    sent_request,
    owner_client,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    captured = django_capture_on_commit_callbacks
    intent_id = paid(stripe_platform, alpha_billing, alpha, sent_request, captured)
    refunded(stripe_platform, alpha_billing, alpha, intent_id, captured, cents=5000, times=2)

    item = request_of(alpha, sent_request.pk)
    assert (item.status, item.amount_paid, item.amount_refunded) == (
        "partially_refunded",
        Decimal("150.00"),
        Decimal("50.00"),
    )
    with schema_context(alpha.schema_name):
        (payment,) = Payment.objects.all()
        assert payment.amount_refunded == Decimal("50.00") and payment.refunded_at
    panel = owner_client.get(f"/billing/?open={item.pk}").content.decode()
    assert 'status--partially_refunded">Partially refunded<' in panel
    assert 'data-amount="paid">€150.00<' in panel
    assert 'data-amount="refunded">€50.00<' in panel
    assert "Refund of €50.00" in panel and "Balance due" not in panel
    assert "Refund of €50.00" in history_notes(alpha, item.pk)
    dashboard = owner_client.get("/billing/").content.decode()
    assert 'status--partially_refunded">Partially refunded<' in dashboard

    assert refund_emails(mailoutbox) == {
        "ana@client.test": ["Your refund of €50.00 from Alpha Studio"],
        alpha.owner_email: ["Ana Client was refunded €50.00"],
    }
    to_client = next(mail for mail in mailoutbox if mail.subject.startswith("Your refund"))
    assert "Refunded: €50.00" in to_client.body and "Still paid: €100.00" in to_client.body
    html = to_client.alternatives[0][0]
    assert item.number in html and "Consulting – June 2024" in html


def test_a_second_refund_that_completes_it_makes_it_refunded_and_tells_each_again(
    stripe_platform,
    alpha_billing,
    alpha,
    sent_request,
    owner_client,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    captured = django_capture_on_commit_callbacks
    intent_id = paid(stripe_platform, alpha_billing, alpha, sent_request, captured)
    refunded(stripe_platform, alpha_billing, alpha, intent_id, captured, cents=5000)
    refunded(stripe_platform, alpha_billing, alpha, intent_id, captured)  # the rest

    item = request_of(alpha, sent_request.pk)
    assert (item.status, item.amount_refunded) == ("refunded", Decimal("150.00"))
    assert refund_emails(mailoutbox) == {
        "ana@client.test": [
            "Your refund of €50.00 from Alpha Studio",
            "Your refund of €150.00 from Alpha Studio",
        ],
        alpha.owner_email: ["Ana Client was refunded €50.00", "Ana Client was refunded €150.00"],
    }
    assert "Still paid: €0.00" in mailoutbox[-1].body
    with schema_context(alpha.schema_name):
        moves = StatusChange.objects.filter(request=item).exclude(to_status="paid")
        refund_moves = moves.filter(to_status__contains="refunded")
        assert [(c.from_status, c.to_status, c.note_text) for c in refund_moves] == [
            ("paid", "partially_refunded", "Refund of €50.00"),
            ("partially_refunded", "refunded", "Refund of €100.00"),
        ]
    panel = owner_client.get(f"/billing/?open={item.pk}").content.decode()
    assert 'status--refunded">Refunded<' in panel
    assert 'data-amount="refunded">€150.00<' in panel


def test_the_same_refund_told_to_billing_twice_changes_nothing_and_emails_no_one_more(
    stripe_platform, alpha_billing, alpha, sent_request, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """Past the inbox (which stores each event once), billing itself counts only growth: the
    change announced again (a replay, a reconciliation) or an older total arriving late."""
    captured = django_capture_on_commit_callbacks
    intent_id = paid(stripe_platform, alpha_billing, alpha, sent_request, captured)
    refunded(stripe_platform, alpha_billing, alpha, intent_id, captured, cents=5000)
    sent_before, notes_before = len(mailoutbox), history_notes(alpha, sent_request.pk)

    with schema_context(alpha.schema_name):
        obj = RemoteObject.objects.get(remote_id=sent_request.remote.remote_id)
        payment = RemotePayment.objects.get(remote_payment_id=intent_id)
        for total in (Decimal("50"), Decimal("20")):  # again, then an older total
            payment.amount_refunded = total
            with captured(execute=True):
                services.apply_remote_change(obj, payment=payment, changes=["refund"])

    item = request_of(alpha, sent_request.pk)
    assert (item.status, item.amount_refunded) == ("partially_refunded", Decimal("50.00"))
    assert history_notes(alpha, sent_request.pk) == notes_before
    assert len(mailoutbox) == sent_before


def test_a_refund_applied_before_the_paid_event_is_recorded_then_followed_once_paid(
    stripe_platform, alpha_billing, alpha, sent_request, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """The payment is recorded, then refunded, before the invoice's "paid" event is applied:
    the request is still Sent, so the refund is noted without a move (never an illegal one);
    once paid, it becomes Partially refunded and each reader is told of payment and refund."""
    captured = django_capture_on_commit_callbacks
    since = event_count(stripe_platform, alpha_billing)
    intent_id = pay_on_stripe(stripe_platform, alpha_billing, sent_request)
    refund_on_stripe(stripe_platform, alpha_billing, intent_id, cents=5000)
    events = stripe_platform.state.accounts[alpha_billing.remote_account_id].events[since:]
    invoice_events = [event for event in events if event["type"].startswith("invoice.")]
    with captured(execute=True):
        post_events([event for event in events if event not in invoice_events])
        drain_inbox(alpha.schema_name)

    early = request_of(alpha, sent_request.pk)
    assert (early.status, early.amount_refunded) == ("sent", Decimal("50.00"))
    assert "Refund of €50.00" in history_notes(alpha, early.pk)
    assert refund_emails(mailoutbox) == {}  # not paid here yet: nothing to tell

    with captured(execute=True):
        post_events(invoice_events)
        drain_inbox(alpha.schema_name)

    item = request_of(alpha, sent_request.pk)
    assert (item.status, item.amount_paid, item.amount_refunded) == (
        "partially_refunded",
        Decimal("150.00"),
        Decimal("50.00"),
    )
    assert "Refunded before the payment was confirmed: €50.00" in history_notes(alpha, item.pk)
    assert refund_emails(mailoutbox) == {
        "ana@client.test": ["Your refund of €50.00 from Alpha Studio"],
        alpha.owner_email: ["Ana Client was refunded €50.00"],
    }
    assert len(mailoutbox) == 1 + 2 + 2  # the request, the receipts, the refund


def test_a_refund_delivered_before_its_payment_waits_and_ends_refunded(
    stripe_platform, alpha_billing, alpha, sent_request, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    captured = django_capture_on_commit_callbacks
    since = event_count(stripe_platform, alpha_billing)
    intent_id = pay_on_stripe(stripe_platform, alpha_billing, sent_request)
    refund_on_stripe(stripe_platform, alpha_billing, intent_id)
    events = stripe_platform.state.accounts[alpha_billing.remote_account_id].events[since:]
    with captured(execute=True):
        post_events(events[::-1])  # newest first: the refund before everything
        drain_inbox(alpha.schema_name)
        drain_inbox(alpha.schema_name)

    item = request_of(alpha, sent_request.pk)
    assert (item.status, item.amount_refunded) == ("refunded", Decimal("150.00"))
    assert sorted(refund_emails(mailoutbox)) == sorted(["ana@client.test", alpha.owner_email])
    assert sum(map(len, refund_emails(mailoutbox).values())) == 2


def test_the_pay_page_of_a_refunded_request_says_so_and_takes_no_payment(
    stripe_platform, alpha_billing, alpha, sent_request, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from urllib.parse import urlsplit

    from billing_saas.testing.fixtures import client_on
    from payment_requests.tests.conftest import link_from

    link = urlsplit(link_from(mailoutbox[0])).path
    captured = django_capture_on_commit_callbacks
    intent_id = paid(stripe_platform, alpha_billing, alpha, sent_request, captured)
    refunded(stripe_platform, alpha_billing, alpha, intent_id, captured, cents=5000)
    anonymous = client_on(alpha)
    page = anonymous.get(link).content.decode()
    assert "€50.00 of it was refunded (€100.00 remains paid)" in page and "Pay now" not in page

    refunded(stripe_platform, alpha_billing, alpha, intent_id, captured)
    page = anonymous.get(link).content.decode()
    assert "This request was paid, then refunded." in page and "Pay now" not in page
    assert anonymous.get(link + "go/")["Location"] == link  # never on to Stripe's pay page


def test_a_refund_comes_off_the_dashboards_paid_this_month(
    stripe_platform, alpha_billing, alpha, sent_request, owner_client,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from payment_requests.tests.test_dashboard_scale import total

    captured = django_capture_on_commit_callbacks
    intent_id = paid(stripe_platform, alpha_billing, alpha, sent_request, captured)
    assert total(owner_client.get("/billing/").content.decode(), "paid-EUR") == "€150.00"

    refunded(stripe_platform, alpha_billing, alpha, intent_id, captured, cents=5000)
    assert total(owner_client.get("/billing/").content.decode(), "paid-EUR") == "€100.00"
    refunded(stripe_platform, alpha_billing, alpha, intent_id, captured)
    assert total(owner_client.get("/billing/").content.decode(), "paid-EUR") == ""  # none left


def test_each_reader_is_told_of_a_refund_in_their_own_language_and_currency(
    stripe_platform, alpha_billing, alpha, mailoutbox, django_capture_on_commit_callbacks,
):  # fmt: skip
    """A French client of a yen request, an English-speaking owner."""
    captured = django_capture_on_commit_callbacks
    client = make_client(alpha)
    with schema_context(alpha.schema_name):
        Client.objects.filter(pk=client.pk).update(language="fr")
    item = send(alpha, make_request(alpha, client, amount="12000", currency="JPY").pk, captured)
    intent_id = paid(stripe_platform, alpha_billing, alpha, item, captured)
    refunded(stripe_platform, alpha_billing, alpha, intent_id, captured, cents=5000)

    assert request_of(alpha, item.pk).amount_refunded == Decimal("5000")
    sent = {mail.to[0]: mail for mail in mailoutbox[-2:]}  # after the request and receipts
    assert len(mailoutbox) == 5
    # Yen have no decimals; French writes the amount its own way (5 000 JPY).
    assert "5\u202f000\u00a0JPY" in sent["ana@client.test"].body
    assert "7\u202f000\u00a0JPY" in sent["ana@client.test"].body  # still paid
    assert sent[alpha.owner_email].subject == "Ana Client was refunded ¥5,000"


def test_refunds_the_platform_reported_before_this_release_are_copied_onto_billing(
    stripe_platform, alpha_billing, alpha, sent_request, django_capture_on_commit_callbacks
):
    import importlib

    from django.apps import apps

    captured = django_capture_on_commit_callbacks
    intent_id = paid(stripe_platform, alpha_billing, alpha, sent_request, captured)
    refunded(stripe_platform, alpha_billing, alpha, intent_id, captured, cents=5000)
    with schema_context(alpha.schema_name):
        # What billing had then: the refund on the platform's record only.
        Payment.objects.update(amount_refunded=0, refunded_at=None)
        PaymentRequest.objects.update(status="paid", amount_refunded=0)
        StatusChange.objects.filter(to_status="partially_refunded").delete()

        importlib.import_module("payment_requests.migrations.0007_refunds").copy_recorded_refunds(
            apps, None
        )

        assert Payment.objects.get().amount_refunded == Decimal("50.00")
    item = request_of(alpha, sent_request.pk)
    assert (item.status, item.amount_refunded) == ("partially_refunded", Decimal("50.00"))
    assert history_notes(alpha, item.pk)[-1] == "Refund of €50.00"
