"""What the client sees of its credits in the portal: its own credit notes and where they
went, the credit on an invoice's page, and no credit counted as money received."""

from __future__ import annotations

from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from client_portal.tests.conftest import signed_in
from credits.services import issuing
from credits.tests.conftest import credit, make_client, make_request
from payment_requests import services


def marked_sent(tenant, client, amount):
    """An invoice sent by hand: the client's credit is applied, no platform needed."""
    draft = make_request(tenant, client, amount)
    with schema_context(tenant.schema_name):
        return services.mark_sent(draft.pk, actor=owner_of(tenant))


def test_the_credits_page_shows_the_clients_own_notes_and_where_they_went(alpha):
    ana = make_client(alpha)
    bob = make_client(alpha, name="Bob Other", email="bob@client.test")
    credit(alpha, ana, "30.00", reason="Late delivery")
    voided = credit(alpha, ana, "9.99", reason="Typo note")
    with schema_context(alpha.schema_name):
        issuing.void(voided.pk, actor=None)
    credit(alpha, bob, "77.00", reason="Bob goodwill")
    item = marked_sent(alpha, ana, "100.00")

    page = signed_in(alpha, ana).get("/portal/credits/")
    text = page.content.decode()

    assert page.status_code == 200 and 'aria-current="page">Credits<' in text
    assert "CR-00001" in text and "Late delivery" in text and "€30.00" in text
    assert f'href="/portal/invoices/{item.pk}/">{item.number}</a>' in text
    assert "Typo note" not in text and "9.99" not in text  # voided: never given
    assert "Bob goodwill" not in text and "77.00" not in text  # another client's


def test_the_invoice_shows_the_credit_and_the_payments_do_not_count_it(alpha):
    ana = make_client(alpha)
    credit(alpha, ana, "30.00")
    item = marked_sent(alpha, ana, "100.00")
    portal = signed_in(alpha, ana)

    invoice = portal.get(f"/portal/invoices/{item.pk}/").content.decode()
    payments = portal.get("/portal/payments/").content.decode()

    assert "Credit CR-00001 applied" in invoice and "−€30.00" in invoice
    assert "€70.00" in invoice  # the balance due
    assert "No payments yet." in payments
    with schema_context(alpha.schema_name):
        credit_payment = item.payments.get()
    assert portal.get(f"/portal/payments/{credit_payment.pk}/").status_code == 404
