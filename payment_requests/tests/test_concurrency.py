"""Twenty clicks on Send at the same moment: one platform invoice, one email."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.stripe import connect_stripe
from billing_saas.testing.threads import all_at_once, committed_account, in_thread
from clients.models import Client
from payment_requests import services
from payment_requests.models import PaymentRequest


def test_twenty_concurrent_sends_make_one_invoice_and_one_email(
    stripe_platform, mailoutbox, accounts
):
    """Real commits on separate connections, in an account of its own (left in the test
    DB); this thread's own transaction is never used."""
    stripe_platform.sender.paused = True

    def prepare():
        tenant, owner = committed_account("Race")
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

    def click():
        with schema_context(tenant.schema_name):
            return services.send_request(pk, actor=owner).status

    answers = all_at_once(20, click)
    # Twenty answers: one click sent it, every other one found it sending or already sent.
    assert len(answers) == 20 and set(answers) <= {"sending", "sent"} and "sent" in answers
    account = stripe_platform.state.accounts[account_id]
    invoices = [o for o in account.objects.values() if o.get("object") == "invoice"]
    assert len(invoices) == 1
    assert len(mailoutbox) == 1

    def check():
        with schema_context(tenant.schema_name):
            item = PaymentRequest.objects.get(pk=pk)
            return item.status, item.number, item.history.filter(to_status="sent").count()

    assert in_thread(check) == ("sent", "INV-00001", 1)
