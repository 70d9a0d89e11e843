"""Twenty clicks on Send at the same moment: one platform invoice, one email."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.stripe import connect_stripe
from payment_requests import services
from payment_requests.models import Client, PaymentRequest
from tenants.services import NewAccount, create_account


def in_thread(work):
    """Run ``work`` on its own database connection (autocommit: others see what it writes)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as error:  # noqa: BLE001 - handed back to the test
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def test_twenty_concurrent_sends_make_one_invoice_and_one_email(
    stripe_platform, mailoutbox, accounts
):
    # Real commits on separate connections, in an account of its own (left in the test DB);
    # this thread's own transaction is never used.
    race(stripe_platform, mailoutbox)


def race(stripe_platform, mailoutbox):
    stripe_platform.sender.paused = True
    slug = f"race{uuid.uuid4().hex[:8]}"

    def prepare():
        tenant, owner = create_account(
            NewAccount("Race Co", slug, "Rae Owner", f"rae@{slug}.example", "x-Very-long-pass-9")
        )
        connection = connect_stripe(stripe_platform, tenant)
        with schema_context(tenant.schema_name):
            client = Client.objects.create(name="Cy", email="cy@client.test")
            item = services.create_request(
                actor=owner,
                description="Deposit",
                client=client,
                amount=Decimal("99.00"),
                currency="EUR",
                due_date=timezone.localdate() + timedelta(days=5),
            )
        return tenant, owner, item.pk, connection.remote_account_id

    tenant, owner, pk, account_id = in_thread(prepare)
    barrier = threading.Barrier(20)
    results, errors = [], []

    def click():
        try:
            barrier.wait()
            with schema_context(tenant.schema_name):
                results.append(services.send_request(pk, actor=owner).status)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    account = stripe_platform.state.accounts[account_id]
    invoices = [o for o in account.objects.values() if o.get("object") == "invoice"]
    assert len(invoices) == 1
    assert len(mailoutbox) == 1

    def check():
        with schema_context(tenant.schema_name):
            item = PaymentRequest.objects.get(pk=pk)
            return item.status, item.number, item.history.filter(to_status="sent").count()

    assert in_thread(check) == ("sent", "INV-00001", 1)
