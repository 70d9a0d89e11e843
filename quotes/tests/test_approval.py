"""Approving a quote makes its invoice: the same lines, taxes and total, numbered, created on
the platform and sent; the client lands on the invoice's pay page. An employee may approve on
the client's behalf, recorded as such. A platform that fails never loses the approval."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from payment_requests.models import PaymentRequest
from quotes import services
from quotes.models import Quote


def invoice_lines(invoice):
    return [
        (
            line.description,
            line.quantity,
            line.unit_price,
            line.discount,
            line.amount,
            [(tax.name, tax.rate, tax.amount) for tax in line.applied_taxes.all()],
        )
        for line in invoice.lines.all()
    ]


def test_the_client_approves_and_lands_on_the_invoice_to_pay(
    alpha, alpha_billing, stripe_platform, sent_quote, visitor, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    quote, link = sent_quote
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(f"{link}approve/")

    assert response.status_code == 302 and response["Location"].startswith("/pay/")
    pay_page = visitor.get(response["Location"]).content.decode()
    assert "Pay now" in pay_page and "CA$258.45" in pay_page
    with schema_context(alpha.schema_name):
        quote = Quote.objects.get(pk=quote.pk)
        invoice = quote.invoice
        assert (quote.status, quote.approved_by_client, quote.approved_by) == (
            "converted",
            True,
            None,
        )
        assert (invoice.status, invoice.number, invoice.amount) == (
            "sent",
            "INV-00001",
            Decimal("258.45"),
        )
        assert invoice_lines(invoice) == [
            (line.description, line.quantity, line.unit_price, line.discount, line.amount,
             [(tax.name, tax.rate, tax.amount) for tax in line.applied_taxes.all()])
            for line in quote.lines.all()
        ]  # fmt: skip
        remote_id = invoice.remote.remote_id
    account = stripe_platform.state.accounts[alpha_billing.remote_account_id]
    remote = account.objects[remote_id]
    assert remote["total"] == 25845 and remote["status"] == "open"
    assert [mail.to for mail in mailoutbox] == [["ana@client.test"]]  # the invoice's email


def test_pay_invoice_leads_to_the_platforms_page_for_that_invoice(
    alpha, alpha_billing, sent_quote, visitor, django_capture_on_commit_callbacks
):
    quote, link = sent_quote
    with django_capture_on_commit_callbacks(execute=True):
        pay = visitor.post(f"{link}approve/")["Location"]
    go = visitor.get(f"{pay}go/")
    with schema_context(alpha.schema_name):
        remote_id = Quote.objects.get(pk=quote.pk).invoice.remote.remote_id
    assert go.status_code == 302 and remote_id in go["Location"]
    # The quote's own link now says it became the invoice, and offers to pay it.
    page = visitor.get(link).content.decode()
    assert "it is now invoice INV-00001" in page and "Pay invoice" in page
    assert visitor.post(f"{link}pay/")["Location"].startswith("/pay/")


def test_an_employee_approves_on_the_clients_behalf_and_is_recorded(
    alpha, alpha_billing, sent_quote, owner_client, django_capture_on_commit_callbacks
):
    quote, _link = sent_quote
    with django_capture_on_commit_callbacks(execute=True):
        page = owner_client.post(f"/billing/quotes/{quote.pk}/approve/", follow=True)

    text = page.content.decode()
    assert "Invoice INV-00001 was sent to ana@client.test" in text
    assert "Approved on the client&#x27;s behalf" in text
    assert "on the client&#x27;s behalf" in text and "Alpha Owner" in text
    with schema_context(alpha.schema_name):
        quote = Quote.objects.get(pk=quote.pk)
        assert quote.approved_by == owner_of(alpha) and not quote.approved_by_client
        assert quote.status == "converted"


def test_a_platform_failure_keeps_the_approval_and_the_client_is_told_the_invoice_follows(
    alpha, sent_quote, visitor, owner_client, django_capture_on_commit_callbacks
):
    """No payment platform connected: the invoice cannot go out."""
    quote, link = sent_quote
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(f"{link}approve/", follow=True)

    assert "Your invoice will follow by email shortly" in response.content.decode()
    with schema_context(alpha.schema_name):
        quote = Quote.objects.get(pk=quote.pk)
        assert quote.status == "approved"
        assert quote.invoice.status == "draft" and quote.invoice.number is None
    staff = owner_client.get(f"/billing/quotes/{quote.pk}/").content.decode()
    assert "The invoice was not sent: Connect a payment platform" in staff
    assert "Send the invoice" in staff


def test_a_second_approval_makes_no_second_invoice(
    alpha, alpha_billing, sent_quote, visitor, django_capture_on_commit_callbacks
):
    quote, link = sent_quote
    with django_capture_on_commit_callbacks(execute=True):
        first = visitor.post(f"{link}approve/")
        second = visitor.post(f"{link}approve/")
    assert first.status_code == second.status_code == 302
    assert second["Location"].startswith("/pay/")
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.count() == 1


def test_an_expired_quote_cannot_be_approved(
    alpha, alpha_billing, sent_quote, visitor, django_capture_on_commit_callbacks
):
    quote, link = sent_quote
    with schema_context(alpha.schema_name):  # its validity ended yesterday
        yesterday = services.account_today() - timedelta(days=1)
        Quote.objects.filter(pk=quote.pk).update(valid_until=yesterday)
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(f"{link}approve/")

    assert response.status_code == 409
    assert "This quote expired: it can no longer be approved." in response.content.decode()
    with schema_context(alpha.schema_name):
        assert Quote.objects.get(pk=quote.pk).status == "expired"
        assert not PaymentRequest.objects.exists()


def test_the_invoice_keeps_the_taxes_the_client_approved_even_if_a_rate_changed_since(
    alpha, alpha_billing, sent_quote, visitor, django_capture_on_commit_callbacks
):
    from payment_requests.models import TaxRate

    quote, link = sent_quote
    with schema_context(alpha.schema_name):
        TaxRate.objects.filter(name="QST").update(rate=Decimal("10"))
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(f"{link}approve/")

    with schema_context(alpha.schema_name):
        invoice = Quote.objects.get(pk=quote.pk).invoice
        assert invoice.amount == Decimal("258.45")
        assert {tax.rate for line in invoice.lines.all() for tax in line.applied_taxes.all()} == {
            Decimal("5"),
            Decimal("9.975"),
        }
        assert invoice.history.filter(note="From quote %(number)s, approved").exists()
