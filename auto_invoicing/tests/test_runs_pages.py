"""The runs pages: what each run billed, in which currencies, what failed and why; Run now
and Retry for billing administrators."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from auto_invoicing import cycle
from auto_invoicing.models import InvoicingRun, Mode, RunDocument
from auto_invoicing.tasks import process_run, retry_run
from auto_invoicing.tests.conftest import a_charge, a_client, auto_invoicing
from billing_saas.testing.fixtures import client_on, install_client_billing, make_member, owner_of
from billing_saas.testing.stripe import connect_stripe
from emulators.stripe.app import Fault
from payment_requests.models import PaymentRequest
from payment_requests.services.access import grant_access

RUNS = "/billing/runs/"


@pytest.fixture(autouse=True)
def _installed(alpha, monkeypatch):
    install_client_billing(alpha)
    # The worker's part, at once (queued on commit: tests capture the commit callbacks).
    monkeypatch.setattr(process_run, "delay", lambda *args: process_run.apply(args))
    monkeypatch.setattr(retry_run, "delay", lambda *args: retry_run.apply(args))


@pytest.fixture
def owner(alpha):
    return client_on(alpha, owner_of(alpha))


def today(tenant):
    return timezone.localdate(timezone.now(), tenant.tzinfo)


def a_run(tenant, mode=Mode.DRAFT) -> InvoicingRun:
    """Ann owes euros and dollars, Bob euros; a run of ``mode`` bills them."""
    auto_invoicing(tenant, mode=mode)
    with schema_context(tenant.schema_name):
        ann, bob = a_client("Ann Lee"), a_client("Bob Ray")
        a_charge(ann, "30.00", today(tenant))
        a_charge(ann, "12.50", today(tenant))
        a_charge(ann, "99.00", today(tenant), currency="USD")
        a_charge(bob, "80.00", today(tenant))
        return cycle.process(cycle.start_manual_run(owner_of(tenant)).pk)


def test_the_list_shows_who_ran_it_the_clients_and_the_totals_per_currency(alpha, owner):
    a_run(alpha)

    page = owner.get(RUNS).content.decode()

    assert "Run now by Alpha Owner" in page
    assert "Draft mode" in page
    assert "€122.50" in page and "$99.00" in page
    assert "Finished" in page


def test_the_runs_page_needs_billing_access_and_run_now_an_administrator(alpha):
    employee = make_member(alpha, "emma@alpha.example")
    browser = client_on(alpha, employee)
    assert browser.get(RUNS).status_code == 403

    with schema_context(alpha.schema_name):
        grant_access(employee, granted_by=owner_of(alpha))
    page = browser.get(RUNS)
    assert page.status_code == 200 and "Yes, run now" not in page.content.decode()
    assert browser.post(RUNS + "start/").status_code == 403
    with schema_context(alpha.schema_name):
        assert not InvoicingRun.objects.exists()


def test_run_now_says_what_it_will_do_in_the_current_mode(alpha, owner):
    auto_invoicing(alpha, mode=Mode.PAYMENT_LINKS, channel="sms")

    page = owner.get(RUNS).content.decode()

    assert "sent one payment link for their total now, by SMS. No invoice is created." in page


def test_run_now_bills_in_the_worker_and_shows_the_run(
    alpha, owner, django_capture_on_commit_callbacks
):
    auto_invoicing(alpha, mode=Mode.DRAFT)
    with schema_context(alpha.schema_name):
        a_charge(a_client("Ann Lee"), "30.00", today(alpha))

    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(RUNS + "start/")

    with schema_context(alpha.schema_name):
        run = InvoicingRun.objects.get()
        assert run.status == InvoicingRun.Status.FINISHED
        assert run.started_by.email == alpha.owner_email
    assert response.url == f"{RUNS}{run.pk}/"
    page = owner.get(response.url).content.decode()
    assert "Ann Lee" in page and "Draft to review" in page and "€30.00" in page


def test_run_now_is_refused_while_a_run_is_in_progress(alpha, owner):
    with schema_context(alpha.schema_name):
        cycle.start_manual_run(None)  # its worker has not finished it

    response = owner.post(RUNS + "start/", follow=True)

    assert "A run is in progress: wait for it to finish." in response.content.decode()
    with schema_context(alpha.schema_name):
        assert InvoicingRun.objects.count() == 1


def test_a_running_run_shows_its_progress_and_follows_itself(alpha, owner):
    auto_invoicing(alpha, mode=Mode.DRAFT)
    with schema_context(alpha.schema_name):
        for name in ("Ann Lee", "Bob Ray", "Cy Twombly"):
            a_charge(a_client(name), "10.00", today(alpha))
        run = cycle.start_manual_run(None)
        cycle.BATCH, batch = 2, cycle.BATCH
        try:
            cycle.bill_batch(run, 0)  # two clients of three billed, then the worker stops
        finally:
            cycle.BATCH = batch

    page = owner.get(f"{RUNS}{run.pk}/").content.decode()

    assert "2 of 3 clients billed" in page
    assert 'hx-trigger="every 3s"' in page


def test_a_platform_error_is_shown_with_its_reason_and_retry_sends_once_it_is_back(
    alpha, owner, stripe_platform, mailoutbox
):
    run = a_run(alpha, mode=Mode.INVOICES)  # no payment platform connected yet
    with schema_context(alpha.schema_name):
        failed = RunDocument.objects.filter(run=run, state=RunDocument.State.FAILED)
        assert failed.count() == 3

    listing = owner.get(RUNS).content.decode()
    assert 'data-failures="3"' in listing
    page = owner.get(f"{RUNS}{run.pk}/").content.decode()
    assert "Connect a payment platform before sending requests." in page
    assert "1 attempt" in page and "tried again automatically at" in page

    stripe_platform.sender.paused = True
    connect_stripe(stripe_platform, alpha, business_name="Alpha Studio")
    with schema_context(alpha.schema_name):
        bob = RunDocument.objects.get(run=run, client__name="Bob Ray")
    response = owner.post(f"{RUNS}{run.pk}/documents/{bob.pk}/retry/", follow=True)

    assert "Sent to Bob Ray." in response.content.decode()
    assert [mail.to for mail in mailoutbox] == [["bob.ray@clients.example"]]
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get(pk=bob.request_id).status == PaymentRequest.Status.SENT


def test_retry_all_failed_sends_every_failed_document_of_the_run(
    alpha, owner, alpha_stripe, stripe_platform, mailoutbox, django_capture_on_commit_callbacks
):
    # Stripe fails every customer creation of the run, then comes back.
    failing = Fault({"path": "/v1/customers", "kind": "error_500", "times": 9})
    stripe_platform.app.faults.append(failing)
    run = a_run(alpha, mode=Mode.INVOICES)
    stripe_platform.app.faults.clear()
    page = owner.get(f"{RUNS}{run.pk}/").content.decode()
    assert "Stripe" in page and "Retry all 3 failed" in page

    with django_capture_on_commit_callbacks(execute=True):
        owner.post(f"{RUNS}{run.pk}/retry/")

    with schema_context(alpha.schema_name):
        states = set(RunDocument.objects.filter(run=run).values_list("state", flat=True))
    assert states == {RunDocument.State.SENT}
    assert len(mailoutbox) == 3
    assert 'data-failed="0"' in owner.get(f"{RUNS}{run.pk}/").content.decode()


def test_retry_is_for_administrators(alpha):
    run = a_run(alpha, mode=Mode.INVOICES)
    employee = make_member(alpha, "emma@alpha.example")
    with schema_context(alpha.schema_name):
        grant_access(employee, granted_by=owner_of(alpha))
        document = RunDocument.objects.filter(run=run).first()
    browser = client_on(alpha, employee)

    assert browser.post(f"{RUNS}{run.pk}/documents/{document.pk}/retry/").status_code == 403
    assert browser.post(f"{RUNS}{run.pk}/retry/").status_code == 403
    with schema_context(alpha.schema_name):
        assert RunDocument.objects.get(pk=document.pk).attempts == 1
