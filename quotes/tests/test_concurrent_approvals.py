"""Two tabs, a double click, the client and an employee at once: one invoice, ever."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django_tenants.utils import schema_context

from billing_saas.testing.stripe import connect_stripe
from billing_saas.testing.threads import all_at_once, committed_account, in_thread
from clients.models import Client
from payment_requests.models import PaymentRequest
from payment_requests.services.lines import LineDraft
from quotes import services
from quotes.models import Quote


def test_ten_approvals_at_once_make_one_invoice_sent_once(stripe_platform, mailoutbox, accounts):
    """Real commits on separate connections, in an account of its own (left in the test DB)."""
    stripe_platform.sender.paused = True

    def prepare():
        tenant, owner = committed_account("Quote")
        connection = connect_stripe(stripe_platform, tenant)
        with schema_context(tenant.schema_name):
            client = Client.objects.create(name="Cy", email="cy@client.test")
            quote = services.create_quote(
                actor=owner,
                client=client,
                currency="EUR",
                valid_until=services.account_today() + timedelta(days=5),
                lines=[LineDraft("Audit", Decimal("2"), Decimal("300"))],
            )
            services.send_quote(quote.pk, actor=owner)
        return tenant, owner, quote.pk, connection.remote_account_id

    tenant, owner, pk, account_id = in_thread(prepare)
    mailoutbox.clear()

    def approve(index):
        def click():
            with schema_context(tenant.schema_name):
                # Half are the client's clicks, half an employee's on its behalf.
                actor = owner if index % 2 else None
                return services.approve(pk, actor=actor).status

        return click

    counter = iter(range(10))
    answers = all_at_once(10, lambda: approve(next(counter))())
    assert set(answers) <= {"approved", "converted"} and "converted" in answers

    def check():
        with schema_context(tenant.schema_name):
            quote = Quote.objects.get(pk=pk)
            return (
                quote.status,
                PaymentRequest.objects.count(),
                quote.invoice.number,
                quote.history.filter(to_status="approved").count(),
            )

    assert in_thread(check) == ("converted", 1, "INV-00001", 1)
    account = stripe_platform.state.accounts[account_id]
    invoices = [o for o in account.objects.values() if o.get("object") == "invoice"]
    assert len(invoices) == 1
    assert len(mailoutbox) == 1  # the invoice's email, once
