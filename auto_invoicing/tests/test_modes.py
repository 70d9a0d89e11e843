"""Each mode end to end on emulated Stripe: what the client receives, pays, and what the
charges become; and the rules every run keeps (what is due, once, whatever fails)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from auto_invoicing import cycle
from auto_invoicing.models import Channel, InvoicingRun, Mode, RunDocument
from auto_invoicing.tests.conftest import a_charge, a_client, auto_invoicing
from billing_saas.testing.fixtures import owner_of
from charges.models import Charge
from charges.services import cancel_charge
from emulators.stripe.app import Fault
from notifications.models import Message
from payment_requests import services
from payment_requests.models import PaymentRequest
from payment_requests.services.lines import LineDraft
from payment_requests.tests.conftest import deliver_new_events, event_count

CARD = "4242424242424242"
MOBILE = "+33612345678"
TODAY = date.today()


@pytest.fixture(autouse=True)
def _today(alpha):
    global TODAY
    TODAY = timezone.localdate(timezone.now(), alpha.tzinfo)


def run_now(captured) -> InvoicingRun:
    with captured(execute=True):
        return cycle.process(cycle.start_manual_run(None).pk)


def document_of(run, client) -> PaymentRequest:
    return RunDocument.objects.get(run=run, client=client).request


def charge_states(request) -> set[str]:
    return set(Charge.objects.filter(request=request).values_list("state", flat=True))


def stripe_objects(stripe_platform, connection, kind: str) -> list[dict]:
    account = stripe_platform.state.accounts[connection.remote_account_id]
    return [o for o in account.objects.values() if o.get("object") == kind and not o.get("deleted")]


def client_pays(stripe_platform, connection, alpha, remote_id, captured) -> None:
    """The client pays on Stripe (an invoice, or a link's Checkout session); its webhooks
    reach the app and the worker applies them."""
    since = event_count(stripe_platform, connection)
    account = connection.remote_account_id
    if remote_id.startswith("cs_"):
        stripe_platform.state.pay_session(account, remote_id, CARD)
    else:
        stripe_platform.state.pay_invoice(account, remote_id, CARD)
    # In a schema context of its own: the worker's part leaves the connection's schema.
    with captured(execute=True), schema_context(alpha.schema_name):
        deliver_new_events(stripe_platform, connection, alpha, since)


def test_draft_edited_confirmed_then_paid_marks_its_charges_paid(
    alpha, alpha_stripe, stripe_platform, mailoutbox, django_capture_on_commit_callbacks
):
    captured = django_capture_on_commit_callbacks
    auto_invoicing(alpha, mode=Mode.DRAFT)
    with schema_context(alpha.schema_name):
        ann = a_client("Ann Lee")
        a_charge(ann, "30.00", TODAY, "Haircut")
        a_charge(ann, "12.50", TODAY, "Shampoo")
        draft = document_of(run_now(captured), ann)
        assert draft.status == PaymentRequest.Status.DRAFT and mailoutbox == []

        due = TODAY + timedelta(days=30)
        lines = [
            LineDraft("Haircut", Decimal(1), Decimal("30.00")),
            LineDraft("Shampoo (offered half price)", Decimal(1), Decimal("6.25")),
        ]
        services.update_draft(draft.pk, actor=owner_of(alpha), lines=lines, due_date=due)
        with captured(execute=True):
            sent = services.send_request(draft.pk, actor=owner_of(alpha))  # Confirm draft
        assert sent.status == PaymentRequest.Status.SENT
        assert (sent.amount, sent.due_date) == (Decimal("36.25"), due)
        assert [mail.to for mail in mailoutbox] == [[ann.email]]

        client_pays(stripe_platform, alpha_stripe, alpha, sent.remote.remote_id, captured)

        assert PaymentRequest.objects.get(pk=draft.pk).status == PaymentRequest.Status.PAID
        assert charge_states(draft) == {Charge.State.PAID}


def test_send_invoices_emails_each_client_once_an_invoice_with_a_line_per_charge(
    alpha, alpha_stripe, stripe_platform, mailoutbox, django_capture_on_commit_callbacks
):
    auto_invoicing(alpha, mode=Mode.INVOICES)
    with schema_context(alpha.schema_name):
        ann, bob = a_client("Ann Lee"), a_client("Bob Ray")
        for description in ("Haircut", "Colour", "Blow-dry"):
            a_charge(ann, "20.00", TODAY - timedelta(days=2), description)
        a_charge(bob, "45.00", TODAY, "Massage")

        run = run_now(django_capture_on_commit_callbacks)

        assert run.status == InvoicingRun.Status.FINISHED
        assert sorted(mail.to[0] for mail in mailoutbox) == [ann.email, bob.email]
        invoices = {
            invoice["id"]: invoice
            for invoice in stripe_objects(stripe_platform, alpha_stripe, "invoice")
        }
        ann_invoice = invoices[document_of(run, ann).remote.remote_id]
        assert [line["description"] for line in ann_invoice["lines"]["data"]] == [
            "Haircut",
            "Colour",
            "Blow-dry",
        ]
        assert (ann_invoice["status"], ann_invoice["total"]) == ("open", 6000)
        assert len(invoices) == 2


def test_a_payment_link_for_the_total_and_paying_it_pays_every_charge(
    alpha, alpha_stripe, stripe_platform, mailoutbox, django_capture_on_commit_callbacks
):
    auto_invoicing(alpha, mode=Mode.PAYMENT_LINKS)
    with schema_context(alpha.schema_name):
        ann = a_client("Ann Lee")
        a_charge(ann, "30.00", TODAY)
        a_charge(ann, "20.00", TODAY - timedelta(days=7))
        link = document_of(run_now(django_capture_on_commit_callbacks), ann)

        (session,) = stripe_objects(stripe_platform, alpha_stripe, "checkout.session")
        assert session["amount_total"] == 5000 and link.remote.remote_id == session["id"]
        assert not stripe_objects(stripe_platform, alpha_stripe, "invoice")  # no invoice
        assert [mail.to for mail in mailoutbox] == [[ann.email]]

        client_pays(
            stripe_platform, alpha_stripe, alpha, session["id"], django_capture_on_commit_callbacks
        )

        assert PaymentRequest.objects.get(pk=link.pk).status == PaymentRequest.Status.PAID
        assert charge_states(link) == {Charge.State.PAID}


def test_a_link_that_expires_unpaid_gives_its_charges_to_the_next_run(
    alpha, alpha_stripe, stripe_platform, django_capture_on_commit_callbacks
):
    captured = django_capture_on_commit_callbacks
    auto_invoicing(alpha, mode=Mode.PAYMENT_LINKS)
    with schema_context(alpha.schema_name):
        ann = a_client("Ann Lee")
        first, second = a_charge(ann, "30.00", TODAY), a_charge(ann, "20.00", TODAY)
        expired = document_of(run_now(captured), ann)
        since = event_count(stripe_platform, alpha_stripe)
        stripe_platform.state.advance_clock(24 * 3600 + 60)
        try:
            with captured(execute=True), schema_context(alpha.schema_name):
                deliver_new_events(stripe_platform, alpha_stripe, alpha, since)
        finally:
            stripe_platform.state.clock_offset = 0
        assert PaymentRequest.objects.get(pk=expired.pk).status == PaymentRequest.Status.EXPIRED
        assert set(Charge.objects.values_list("state", flat=True)) == {Charge.State.UNBILLED}

        again = document_of(run_now(captured), ann)

        assert again.pk != expired.pk and again.amount == Decimal("50.00")
        assert set(Charge.objects.values_list("request", flat=True)) == {again.pk}
        assert {first.pk, second.pk} == set(again.charges.values_list("pk", flat=True))


def test_sms_goes_to_the_client_with_a_mobile_the_other_gets_the_email_and_why(
    alpha, alpha_stripe, twilio_platform, mailoutbox, django_capture_on_commit_callbacks
):
    auto_invoicing(alpha, mode=Mode.INVOICES, channel=Channel.SMS)
    with schema_context(alpha.schema_name):
        ann, bob = a_client("Ann Lee", mobile=MOBILE), a_client("Bob Ray")
        a_charge(ann, "30.00", TODAY)
        a_charge(bob, "40.00", TODAY)

        run = run_now(django_capture_on_commit_callbacks)

        (sms,) = twilio_platform.sent_to(MOBILE)
        assert "/portal/open/" in sms["body"]
        assert [mail.to for mail in mailoutbox] == [[bob.email]]  # Ann by SMS only
        bob_document = RunDocument.objects.get(run=run, client=bob)
        assert bob_document.state == RunDocument.State.SENT
        assert bob_document.error == (
            "No SMS: Bob Ray has no valid mobile number. The email was sent."
        )
        assert RunDocument.objects.get(run=run, client=ann).error == ""


def test_a_platform_refusal_for_one_client_is_recorded_and_retried_the_others_are_sent(
    alpha, alpha_stripe, stripe_platform, mailoutbox, django_capture_on_commit_callbacks
):
    captured = django_capture_on_commit_callbacks
    auto_invoicing(alpha, mode=Mode.INVOICES)
    # Stripe refuses the next invoice: the first client's (clients are sent in order).
    refuse_the_next_invoice = Fault({"path": "/v1/invoices", "kind": "refusal", "times": 1})
    stripe_platform.app.faults.append(refuse_the_next_invoice)
    with schema_context(alpha.schema_name):
        ann, bob, cy = a_client("Ann Lee"), a_client("Bob Ray"), a_client("Cy Twombly")
        for client in (ann, bob, cy):
            a_charge(client, "30.00", TODAY)

        run = run_now(captured)

        assert run.status == InvoicingRun.Status.FINISHED  # the failure waits for its retry
        failed = RunDocument.objects.get(run=run, client=ann)
        assert failed.state == RunDocument.State.FAILED
        assert failed.error == "This request was refused (emulated)."
        assert sorted(mail.to[0] for mail in mailoutbox) == [bob.email, cy.email]
        assert failed.request.status == PaymentRequest.Status.DRAFT

        now = timezone.now()
        with captured(execute=True):
            assert cycle.retry_due(now + timedelta(minutes=4)) == 0  # not yet
            refuse_the_next_invoice.times = 1
            assert cycle.retry_due(now + timedelta(minutes=6)) == 1  # refused again
            assert RunDocument.objects.get(pk=failed.pk).next_attempt_at == (
                now + timedelta(minutes=6 + 15)
            )
            assert cycle.retry_due(now + timedelta(minutes=20)) == 0
            assert cycle.retry_due(now + timedelta(minutes=21)) == 1  # the cause is gone
        failed.refresh_from_db()
        assert (failed.state, failed.attempts, failed.error) == (RunDocument.State.SENT, 2, "")
        assert failed.request.status == PaymentRequest.Status.SENT
        assert sorted(mail.to[0] for mail in mailoutbox) == [ann.email, bob.email, cy.email]
        assert len(stripe_objects(stripe_platform, alpha_stripe, "invoice")) == 3


def test_a_charge_added_while_a_run_goes_waits_for_the_next_run(
    alpha, django_capture_on_commit_callbacks
):
    auto_invoicing(alpha, mode=Mode.DRAFT)
    with schema_context(alpha.schema_name):
        ann = a_client("Ann Lee")
        a_charge(ann, "30.00", TODAY)
        run = cycle.start_manual_run(None)
        late = a_charge(ann, "12.00", TODAY)  # after the run's cutoff

        run = cycle.process(run.pk)

        assert document_of(run, ann).amount == Decimal("30.00")
        assert Charge.objects.get(pk=late.pk).state == Charge.State.UNBILLED
        assert run.status == InvoicingRun.Status.FINISHED
        following = run_now(django_capture_on_commit_callbacks)
        assert document_of(following, ann).amount == Decimal("12.00")


def test_a_canceled_charge_is_never_billed(alpha, django_capture_on_commit_callbacks):
    auto_invoicing(alpha, mode=Mode.DRAFT)
    with schema_context(alpha.schema_name):
        ann, bob = a_client("Ann Lee"), a_client("Bob Ray")
        kept = a_charge(ann, "30.00", TODAY)
        canceled = cancel_charge(a_charge(ann, "99.00", TODAY).pk)
        cancel_charge(a_charge(bob, "45.00", TODAY).pk)

        run = run_now(django_capture_on_commit_callbacks)
        run_now(django_capture_on_commit_callbacks)

        assert list(RunDocument.objects.values_list("client", "amount")) == [
            (ann.pk, Decimal("30.00"))
        ]
        assert Charge.objects.get(pk=kept.pk).request == document_of(run, ann)
        canceled.refresh_from_db()
        assert (canceled.state, canceled.request) == (Charge.State.CANCELED, None)
        assert not Message.objects.exists()
