"""Auto-bill: each cycle's invoice is charged to the client's default saved card when sent
(4242 pays, 3155 asks the client to confirm, 0341 is declined and tried again after 2 then 5
days), one charge per try whatever the crashes and concurrent runs; the client is emailed the
pay link when a try fails, and the invoice's pages say what happened and what comes next."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import stripe
from django.db import IntegrityError, transaction
from django.urls import reverse
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import install_client_billing
from billing_saas.testing.stripe import connect_stripe
from billing_saas.testing.threads import all_at_once, committed_account, in_thread
from client_portal.invoices import portal_path
from client_portal.tests.conftest import signed_in
from emulators.stripe.server import TEST_SECRET_KEY
from emulators.stripe.state import SUCCESS_CARD
from payment_requests.models import PaymentRequest, PlatformCustomer
from payment_requests.tests.conftest import deliver_new_events, event_count
from recurring import auto_charge, engine, services, tasks
from recurring.models import AutoBill, ChargeAttempt, RecurringDocument
from recurring.tests.conftest import a_client, a_recurring
from tenants.periodic import beat_schedule

PARIS = ZoneInfo("Europe/Paris")
Status = PaymentRequest.Status
Outcome = ChargeAttempt.Outcome
VISA, AUTHENTICATES, DECLINED = (
    "pm_card_visa", "pm_card_authenticationRequiredOnSetup", "pm_card_chargeCustomerFail",
)  # fmt: skip


class Killed(BaseException):
    """The worker dies (not an error a run catches)."""


@pytest.fixture
def june(alpha, clock):
    """Alpha in Paris on 1 June 2026, 08:00 there (the cycle goes out at 00:00)."""
    from recurring.tests.conftest import in_time_zone

    in_time_zone(alpha, "Europe/Paris")
    clock.set(datetime(2026, 6, 1, 8, tzinfo=PARIS))
    return clock


@pytest.fixture
def sent(alpha, alpha_stripe, june, django_capture_on_commit_callbacks, mailoutbox):
    """An auto-billed recurring invoice's first cycle, sent to Ann; the mailbox emptied."""
    with schema_context(alpha.schema_name):
        ann = a_client()
        a_recurring(alpha, ann, date(2026, 6, 1), hour=0, auto_bill=AutoBill.DEFAULT_METHOD)
        with django_capture_on_commit_callbacks(execute=True):
            engine.tick(june.now)
        request = RecurringDocument.objects.get().request
    assert request.status == Status.SENT
    mailoutbox.clear()
    return request


def stripe_api(emulator, connection):
    """The SDK on the connected account, as the portal's Payment methods page would use it."""
    client = stripe.StripeClient(
        TEST_SECRET_KEY,
        stripe_account=connection.remote_account_id,
        base_addresses={"api": emulator.url},
        max_network_retries=0,
    )
    return client.v1


def save_card(emulator, connection, request, test_card) -> None:
    """The client's card saved on Stripe as their default (attach, then Customer.modify)."""
    customer = PlatformCustomer.objects.get(client=request.client_id, connection=connection)
    api = stripe_api(emulator, connection)
    method = api.payment_methods.attach(test_card, {"customer": customer.remote_id})
    api.customers.update(
        customer.remote_id, {"invoice_settings": {"default_payment_method": method.id}}
    )


def charges(emulator, connection) -> list[str]:
    """The statuses of the account's charges, oldest first."""
    objects = emulator.state.accounts[connection.remote_account_id].objects.values()
    return [o["status"] for o in objects if o.get("object") == "charge"]


def run(clock, at, captured) -> dict:
    clock.set(at)
    with captured(execute=True):
        return auto_charge.run_due(at)


def attempts(request) -> list[tuple]:
    return list(ChargeAttempt.objects.filter(request=request).values_list("number", "outcome"))


def test_4242_is_charged_when_sent_and_the_request_is_paid_once(
    alpha, alpha_stripe, stripe_platform, sent, june, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    captured = django_capture_on_commit_callbacks
    since = event_count(stripe_platform, alpha_stripe)
    with schema_context(alpha.schema_name):
        save_card(stripe_platform, alpha_stripe, sent, VISA)
        report = run(june, june.now, captured)
        assert report == {"charged": [Outcome.PAID]}
        assert PaymentRequest.objects.get(pk=sent.pk).status == Status.PAID
    with captured(execute=True):
        deliver_new_events(stripe_platform, alpha_stripe, alpha, since)

    with schema_context(alpha.schema_name):
        request = PaymentRequest.objects.get(pk=sent.pk)
        assert (request.status, request.amount_paid) == (Status.PAID, request.amount)
        assert [p.amount for p in request.payments.all()] == [request.amount]
        assert attempts(request) == [(1, Outcome.PAID)]
        assert run(june, june.now + timedelta(days=3), captured) == {"charged": []}
    assert charges(stripe_platform, alpha_stripe) == ["succeeded"]
    assert [m.to for m in mailoutbox if "could not" in m.subject] == []


def test_3155_emails_the_pay_link_and_paying_from_it_stops_the_tries(
    alpha, alpha_stripe, stripe_platform, sent, june, mailoutbox,
    django_capture_on_commit_callbacks, owner_client,
):  # fmt: skip
    captured = django_capture_on_commit_callbacks
    with schema_context(alpha.schema_name):
        save_card(stripe_platform, alpha_stripe, sent, AUTHENTICATES)
        run(june, june.now, captured)

        attempt = ChargeAttempt.objects.get(request=sent)
        assert attempt.outcome == Outcome.AUTHENTICATION_REQUIRED
        assert attempt.next_try_at == june.now + timedelta(days=2)
        (mail,) = mailoutbox
        assert mail.to == [sent.client.email]
        assert mail.subject.startswith("Your bank asks you to confirm this payment")
        assert "/pay/" in mail.body and "try your saved card again on June 3, 2026" in mail.body
        portal = signed_in(alpha, sent.client).get(portal_path(sent)).content.decode()
        assert "We will try your saved card again on June 3, 2026." in portal
        panel = owner_client.get(reverse("payment_requests:detail", args=[sent.pk]))
        assert "Confirmation asked by the bank" in panel.content.decode()

    since = event_count(stripe_platform, alpha_stripe)
    stripe_platform.state.pay_invoice(
        alpha_stripe.remote_account_id, sent.remote.remote_id, SUCCESS_CARD
    )  # the client, on the page the emailed link opens
    with captured(execute=True):
        deliver_new_events(stripe_platform, alpha_stripe, alpha, since)

    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get(pk=sent.pk).status == Status.PAID
        assert run(june, june.now + timedelta(days=8), captured) == {"charged": []}
        assert attempts(sent) == [(1, Outcome.AUTHENTICATION_REQUIRED)]
    assert charges(stripe_platform, alpha_stripe) == ["succeeded"]


def test_0341_is_declined_then_tried_after_two_and_five_days_then_never_again(
    alpha, alpha_stripe, stripe_platform, sent, june, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    captured = django_capture_on_commit_callbacks
    start = june.now
    with schema_context(alpha.schema_name):
        save_card(stripe_platform, alpha_stripe, sent, DECLINED)
        days = [0, 1, 2, 3, 6, 7, 8, 30]
        reports = [run(june, start + timedelta(days=day, minutes=1), captured) for day in days]

        assert [len(report["charged"]) for report in reports] == [1, 0, 1, 0, 0, 1, 0, 0]
        assert attempts(sent) == [(n, Outcome.DECLINED) for n in (1, 2, 3)]
        last = ChargeAttempt.objects.get(request=sent, number=3)
        assert last.next_try_at is None and "declined" in last.message
        assert PaymentRequest.objects.get(pk=sent.pk).status == Status.SENT  # open, reminded
    assert charges(stripe_platform, alpha_stripe) == ["failed"] * 3
    subjects = [m.subject for m in mailoutbox]
    assert len(subjects) == 3 and all("We could not charge your card" in s for s in subjects)


@pytest.mark.parametrize("dies_at", ["autocharge_after_claim", "autocharge_after_charge"])
def test_a_worker_that_dies_mid_try_leaves_it_to_the_next_run_under_the_same_key(
    alpha, alpha_stripe, stripe_platform, sent, june, monkeypatch, dies_at,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    def crash(name):
        if name == dies_at:
            raise Killed

    captured = django_capture_on_commit_callbacks
    with schema_context(alpha.schema_name):
        save_card(stripe_platform, alpha_stripe, sent, VISA)
        monkeypatch.setattr(auto_charge, "crash_point", crash)
        with pytest.raises(Killed):
            auto_charge.run_due(june.now)
        monkeypatch.setattr(auto_charge, "crash_point", lambda name: None)  # a fresh worker
        assert run(june, june.now + timedelta(minutes=1), captured) == {"charged": []}  # claimed

        run(june, june.now + timedelta(minutes=5), captured)

        assert attempts(sent) == [(1, Outcome.PAID)]
        pay_path = f"/v1/invoices/{sent.remote.remote_id}/pay"
    keys = [r["idempotency_key"] for r in stripe_platform.app.requests if r["path"] == pay_path]
    assert keys == [f"request:{sent.pk}:autocharge:1"] * len(keys) and keys
    assert charges(stripe_platform, alpha_stripe) == ["succeeded"]


def test_the_database_refuses_a_second_attempt_for_one_try(alpha, sent):
    with schema_context(alpha.schema_name):
        ChargeAttempt.objects.create(
            request=sent, number=1, idempotency_key="a", attempted_at=sent.sent_at
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            ChargeAttempt.objects.create(
                request=sent, number=1, idempotency_key="b", attempted_at=sent.sent_at
            )


def test_no_default_card_emails_the_client_to_pay_from_the_link(
    alpha, alpha_stripe, sent, june, mailoutbox, django_capture_on_commit_callbacks
):
    with schema_context(alpha.schema_name):
        run(june, june.now, django_capture_on_commit_callbacks)

        assert attempts(sent) == [(1, Outcome.NO_METHOD)]
    (mail,) = mailoutbox
    assert mail.subject.startswith("We could not charge your card")
    assert "You have no default card saved with us." in mail.body and "/pay/" in mail.body


def test_an_invoice_made_with_auto_bill_off_is_never_charged(
    alpha, alpha_stripe, stripe_platform, june, django_capture_on_commit_callbacks
):
    captured = django_capture_on_commit_callbacks
    with schema_context(alpha.schema_name):
        a_recurring(alpha, a_client(), date(2026, 6, 1), hour=0)
        with captured(execute=True):
            engine.tick(june.now)
        assert run(june, june.now + timedelta(minutes=5), captured) == {"charged": []}
        assert not ChargeAttempt.objects.exists()


def test_two_runs_at_once_make_one_attempt_and_one_charge(stripe_platform, accounts):
    stripe_platform.sender.paused = True

    def prepare():
        tenant, _owner = committed_account("Charge")
        install_client_billing(tenant)
        connection = connect_stripe(stripe_platform, tenant)
        with schema_context(tenant.schema_name):
            today = services.account_today()
            auto = AutoBill.DEFAULT_METHOD
            a_recurring(tenant, a_client(), today, hour=0, auto_bill=auto)
            engine.tick()
            request = RecurringDocument.objects.get().request
            save_card(stripe_platform, connection, request, VISA)
        return tenant, connection

    tenant, connection = in_thread(prepare)
    try:

        def charge():
            with schema_context(tenant.schema_name):
                return auto_charge.run_due()

        reports = all_at_once(2, charge)

        def read():
            with schema_context(tenant.schema_name):
                return list(ChargeAttempt.objects.values_list("number", "outcome"))

        tries = in_thread(read)
    finally:
        in_thread(lambda: tenant.delete(force_drop=True))
    assert sorted(len(report["charged"]) for report in reports) == [0, 1]
    assert tries == [(1, Outcome.PAID)]
    assert charges(stripe_platform, connection) == ["succeeded"]


def test_beat_runs_the_due_tries_of_every_account_every_five_minutes(alpha):
    entry = beat_schedule()["per-account:recurring.tasks.charge_due"]
    assert str(entry["schedule"]._orig_minute) == "*/5"
    assert tasks.charge_due(alpha.schema_name) == {"account": alpha.slug, "charged": []}
