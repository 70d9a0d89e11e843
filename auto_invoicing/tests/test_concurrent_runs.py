"""Two workers processing the same run at the same moment (a redelivered task, a tick taking
over a run that was only slow): each client is billed, invoiced and emailed once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django_tenants.utils import schema_context

from auto_invoicing import cycle, tasks
from auto_invoicing.models import AutoInvoicing, InvoicingRun, Mode, RunDocument
from billing_saas.testing.stripe import connect_stripe
from billing_saas.testing.threads import all_at_once, committed_account, in_thread
from charges.models import Charge
from charges.services import add_charge
from clients.models import Client
from notifications.models import Message

CLIENTS = 6


def an_account_with_a_run(stripe_platform):
    """Committed for real (the threads' connections must see it), in an account of its own."""

    def prepare():
        tenant, _owner = committed_account("Twin")
        connection = connect_stripe(stripe_platform, tenant)
        with schema_context(tenant.schema_name):
            AutoInvoicing.objects.create(mode=Mode.INVOICES)
            today = timezone.localdate(timezone.now(), tenant.tzinfo)
            for number in range(CLIENTS):
                client = Client.objects.create(name=f"C{number}", email=f"c{number}@twin.example")
                for day in range(3):
                    add_charge(
                        client=client,
                        description=f"Lesson {day}",
                        unit_price=Decimal("25.00"),
                        currency="EUR",
                        due_date=today - timedelta(days=day),
                    )
            return tenant, connection.remote_account_id, cycle.start_manual_run(None).pk

    return in_thread(prepare)


def test_two_workers_on_one_run_at_once_bill_invoice_and_email_each_client_once(
    stripe_platform, accounts, monkeypatch
):
    stripe_platform.sender.paused = True
    monkeypatch.setattr(tasks.process_run, "delay", lambda *args: None)  # the threads are it
    tenant, stripe_account, run_pk = an_account_with_a_run(stripe_platform)
    try:

        def work():
            with schema_context(tenant.schema_name):
                return cycle.process(run_pk).status

        all_at_once(2, work)

        def read():
            with schema_context(tenant.schema_name):
                return {
                    "run": InvoicingRun.objects.get(pk=run_pk).status,
                    "documents": Counter(RunDocument.objects.values_list("client_id", flat=True)),
                    "states": set(RunDocument.objects.values_list("state", flat=True)),
                    "billed": Counter(
                        Charge.objects.values_list("state", "request__client_id")
                    ).most_common(),
                    "messages": Counter(Message.objects.values_list("to", flat=True)),
                }

        seen = in_thread(read)
    finally:
        in_thread(lambda: tenant.delete(force_drop=True))

    assert seen["run"] == InvoicingRun.Status.FINISHED
    assert len(seen["documents"]) == CLIENTS and set(seen["documents"].values()) == {1}
    assert seen["states"] == {RunDocument.State.SENT}
    assert {count for (state, _client), count in seen["billed"]} == {3}
    assert {state for (state, _client), _count in seen["billed"]} == {Charge.State.BILLED}
    assert seen["messages"] == {f"c{n}@twin.example": 1 for n in range(CLIENTS)}
    account = stripe_platform.state.accounts[stripe_account]
    invoices = [o for o in account.objects.values() if o.get("object") == "invoice"]
    assert len(invoices) == CLIENTS
    assert len({invoice["customer"] for invoice in invoices}) == CLIENTS
