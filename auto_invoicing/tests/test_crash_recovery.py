"""A real worker process killed in the middle of a run: the run resumes with nothing twice.

Each test commits an account of its own on emulated Stripe, with clients owing several due
charges, and queues a run (Run now). A worker started with ``BILLING_CRASH_AT`` sends itself
SIGKILL the first time it reaches that point (``billing_saas/faults.py``): after the
documents are written, after the platform answered (before our commit), or after the commit
that marks a document sent and records its email. A fresh worker then takes the stalled run
over (``tick``) or is given it again (``process_run``), and the account must show, per client,
one document, one platform invoice (or link) and one email, every due charge billed once.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from auto_invoicing import cycle, tasks
from auto_invoicing.models import AutoInvoicing, InvoicingRun, Mode, RunDocument
from billing_saas.testing.fixtures import celery_worker, committed_account
from billing_saas.testing.polling import wait_until
from billing_saas.testing.stripe import connect_stripe
from billing_saas.testing.threads import in_thread
from charges.models import Charge
from charges.services import add_charge
from clients.models import Client
from emulators.stripe.server import app_settings
from notifications.models import Message, OutboxMessage
from payment_requests.models import PaymentRequest

CLIENTS = 3
CHARGES_EACH = 3
# A claim or a run not heard from for a second was left by a dead worker (the default, two
# minutes, would make the test wait that long).
STALE_SECONDS = "1"


@pytest.fixture
def crash_account(stripe_platform, accounts, django_db_blocker):
    """A committed account on emulated Stripe (each step on a connection of its own, in
    autocommit), dropped with its schema at the end; its Stripe account id as ``.stripe_id``."""
    stripe_platform.sender.paused = True  # nobody listens to its webhooks here

    def create():
        tenant = committed_account(django_db_blocker, "crash", "Crash Studio", "Cora Owner")
        tenant.stripe_id = connect_stripe(stripe_platform, tenant).remote_account_id
        return tenant

    tenant = in_thread(create)
    yield tenant
    in_thread(lambda: tenant.delete(force_drop=True))


# This test's workers take their tasks from a queue of their own: the browser tests' worker,
# alive for the whole run, must not take the run (nor its emails) from the one that dies.
QUEUE = f"crash-{uuid.uuid4().hex[:8]}"


def worker(stripe_platform, django_db_blocker, **env):
    """A worker on the emulator and the test database, its emails in the account's outbox,
    taking this test's queue only (where every task goes, ``CELERY_TASK_DEFAULT_QUEUE``)."""
    settings = app_settings(stripe_platform.url) | {
        "STRIPE_TIMEOUT_SECONDS": "5",
        "EMAIL_BACKEND": "notifications.backends.OutboxEmailBackend",
        "STALE_SENDING_SECONDS": STALE_SECONDS,
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
    }
    return celery_worker(django_db_blocker, env=settings | env, queue=QUEUE)


def clients_owing_and_a_run(tenant, mode: str) -> int:
    """Clients with several due charges each (and one not due yet), and a Run now queued."""

    def prepare():
        with schema_context(tenant.schema_name):
            settings = AutoInvoicing.current()
            settings.mode = mode
            settings.save()
            today = timezone.localdate(timezone.now(), tenant.tzinfo)
            for number in range(1, CLIENTS + 1):
                client = Client.objects.create(
                    name=f"Client {number}", email=f"client{number}@crash.example"
                )
                for day in range(CHARGES_EACH):
                    add_charge(
                        client=client,
                        description=f"Session {day + 1}",
                        unit_price=Decimal(f"{10 * number}.50"),
                        currency="EUR",
                        due_date=today - timedelta(days=day),
                    )
                add_charge(
                    client=client,
                    description="Next month",
                    unit_price=Decimal("99.00"),
                    currency="EUR",
                    due_date=today + timedelta(days=30),
                )
            # Queued as it commits (to this test's queue): the worker started next takes it.
            return cycle.start_manual_run(None).pk

    return in_thread(prepare)


@pytest.fixture(autouse=True)
def runs_queued_for_this_test(monkeypatch):
    """Run now's task, queued by this process as its run commits, goes to this test's queue."""
    monkeypatch.setattr(
        tasks.process_run,
        "delay",
        lambda *args: tasks.process_run.apply_async(args, queue=QUEUE),
    )


@pytest.fixture
def killed_at(crash_account, stripe_platform, django_db_blocker, tmp_path):
    """``killed_at(point, mode)``: clients owing and a run in that mode, queued once a worker
    that dies at ``point`` is up; the run's id."""

    def kill(point: str, mode: str) -> int:
        env = {"BILLING_CRASH_AT": point, "BILLING_CRASH_DIR": str(tmp_path)}
        with worker(stripe_platform, django_db_blocker, **env) as process:
            run_pk = clients_owing_and_a_run(crash_account, mode)
            wait_until(process.poll, lambda code: code is not None, timeout=60)
        assert process.returncode == -9  # SIGKILL: no cleanup, no commit, no finally
        assert (tmp_path / f"crashed-at-{point}").exists()
        return run_pk

    return kill


def resumed(tenant, run_pk, stripe_platform, django_db_blocker, *, by: str) -> None:
    """A fresh worker; the run taken over by its tick, or given to it again."""
    with worker(stripe_platform, django_db_blocker):
        if by == "tick":
            tasks.tick.apply_async([tenant.schema_name], queue=QUEUE)
        else:
            tasks.process_run.apply_async([tenant.schema_name, run_pk], queue=QUEUE)
        wait_until(lambda: what_the_account_shows(tenant, run_pk)["settled"], timeout=60)


def what_the_account_shows(tenant, run_pk) -> dict:
    def read():
        with schema_context(tenant.schema_name):
            run = InvoicingRun.objects.get(pk=run_pk)
            messages = Message.objects.filter(purpose="request.sent")
            return {
                "run": run.status,
                "documents": sorted(
                    RunDocument.objects.filter(run=run).values_list("client__email", "state")
                ),
                "requests": sorted(
                    PaymentRequest.objects.values_list("client__email", "status", "amount")
                ),
                "charges per request": sorted(
                    (request.client.email, request.charges.count(), request.lines.count())
                    for request in PaymentRequest.objects.select_related("client")
                ),
                "unbilled": sorted(
                    Charge.objects.filter(state=Charge.State.UNBILLED).values_list(
                        "description", flat=True
                    )
                ),
                "messages": sorted(messages.values_list("to", "status")),
                "outbox": sorted(email for m in OutboxMessage.objects.all() for email in m.to),
                "settled": run.status == InvoicingRun.Status.FINISHED
                and messages.exists()
                and not messages.exclude(status=Message.Status.SENT).exists(),
            }

    return in_thread(read)


def on_stripe(stripe_platform, tenant, kind: str) -> list[tuple[str, int, int]]:
    """The account's invoices (or Checkout sessions) on Stripe: customer, total, lines."""
    account = stripe_platform.state.accounts[tenant.stripe_id]
    found = []
    for obj in account.objects.values():
        if obj.get("object") != kind or obj.get("deleted"):
            continue
        if kind == "invoice":
            found.append((obj["customer"], obj["total"], len(obj["lines"]["data"])))
        else:
            found.append((obj["customer"], obj["amount_total"], len(obj["_line_items"])))
    return sorted(found)


def assert_each_client_billed_once(tenant, run_pk, stripe_platform, kind: str) -> None:
    seen = what_the_account_shows(tenant, run_pk)
    emails = [f"client{n}@crash.example" for n in range(1, CLIENTS + 1)]
    assert seen["run"] == InvoicingRun.Status.FINISHED
    assert seen["documents"] == [(email, RunDocument.State.SENT) for email in emails]
    # One request per client, for its due charges only: 3 × 10.50, 3 × 20.50, 3 × 30.50.
    assert seen["requests"] == [
        (email, PaymentRequest.Status.SENT, Decimal(f"{3 * (10 * n) + 1.5:.2f}"))
        for n, email in enumerate(emails, start=1)
    ]
    assert seen["charges per request"] == [(email, CHARGES_EACH, CHARGES_EACH) for email in emails]
    assert seen["unbilled"] == ["Next month"] * CLIENTS
    assert seen["messages"] == [(email, Message.Status.SENT) for email in emails]
    assert seen["outbox"] == emails
    remote = on_stripe(stripe_platform, tenant, kind)
    assert len({customer for customer, _total, _lines in remote}) == CLIENTS
    assert sorted((total, lines) for _customer, total, lines in remote) == [
        (3 * 1000 * n + 150, CHARGES_EACH) for n in range(1, CLIENTS + 1)
    ]


@pytest.mark.parametrize("point", ["after_documents", "after_platform_call", "before_email"])
def test_a_worker_killed_mid_run_is_taken_over_and_bills_each_client_once(
    point, killed_at, crash_account, stripe_platform, django_db_blocker
):
    run_pk = killed_at(point, Mode.INVOICES)
    assert what_the_account_shows(crash_account, run_pk)["run"] == InvoicingRun.Status.RUNNING
    resumed(crash_account, run_pk, stripe_platform, django_db_blocker, by="tick")

    assert_each_client_billed_once(crash_account, run_pk, stripe_platform, "invoice")


@pytest.mark.parametrize("point", ["after_platform_call"])
def test_payment_links_of_a_worker_killed_mid_run_are_made_once(
    point, killed_at, crash_account, stripe_platform, django_db_blocker
):
    run_pk = killed_at(point, Mode.PAYMENT_LINKS)
    resumed(crash_account, run_pk, stripe_platform, django_db_blocker, by="process_run")

    assert_each_client_billed_once(crash_account, run_pk, stripe_platform, "checkout.session")
