"""The client's quotes in its portal: sent ones only, approved in one click (an invoice, and
on to its payment), declined with a reason; never another client's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import schema_context

from client_portal.tests.conftest import make_client, signed_in
from payment_requests.models import PaymentRequest
from quotes import services
from quotes.models import Quote
from quotes.tests.conftest import quebec_quote, send_quote


@pytest.fixture
def ana(alpha):
    return make_client(alpha, "Ana Client", "ana@client.test")


@pytest.fixture
def sent(alpha, ana, mailoutbox, django_capture_on_commit_callbacks):
    quote = quebec_quote(alpha, client=ana, title="Kitchen remodel")
    quote = send_quote(alpha, quote.pk, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    return quote


def test_the_list_shows_sent_quotes_with_number_status_total_and_validity(alpha, ana, sent):
    text = signed_in(alpha, ana).get("/portal/quotes/").content.decode()

    assert sent.number in text and "Kitchen remodel" in text
    assert "Sent" in text
    assert "CA$258.45" in text
    assert str(sent.valid_until.year) in text
    assert ">Review<" in text


def test_drafts_never_appear(alpha, ana, sent):
    draft = quebec_quote(alpha, client=ana, title="Secret draftwork")
    page = signed_in(alpha, ana)

    assert "draftwork" not in page.get("/portal/quotes/").content.decode()
    for response in (
        page.get(f"/portal/quotes/{draft.pk}/"),
        page.post(f"/portal/quotes/{draft.pk}/approve/"),
        page.post(f"/portal/quotes/{draft.pk}/decline/", {"reason": "no"}),
    ):
        assert response.status_code == 404
        assert "draftwork" not in response.content.decode()
    with schema_context(alpha.schema_name):
        assert Quote.objects.get(pk=draft.pk).status == "draft"


def test_another_clients_quote_is_not_found_and_stays_as_it_was(alpha, sent):
    bruno = make_client(alpha, "Bruno Other", "bruno@client.test")
    page = signed_in(alpha, bruno)

    assert sent.number not in page.get("/portal/quotes/").content.decode()
    assert page.get(f"/portal/quotes/{sent.pk}/").status_code == 404
    assert page.post(f"/portal/quotes/{sent.pk}/approve/").status_code == 404
    assert page.post(f"/portal/quotes/{sent.pk}/decline/", {"reason": "x"}).status_code == 404
    with schema_context(alpha.schema_name):
        assert Quote.objects.get(pk=sent.pk).status == "sent"


def test_approving_makes_the_invoice_and_takes_the_client_to_its_payment(
    alpha, alpha_billing, ana, sent, django_capture_on_commit_callbacks
):
    page = signed_in(alpha, ana)
    text = page.get(f"/portal/quotes/{sent.pk}/").content.decode()
    assert "Approve (CA$258.45)" in text and "Design work" in text

    with django_capture_on_commit_callbacks(execute=True):
        response = page.post(f"/portal/quotes/{sent.pk}/approve/")

    with schema_context(alpha.schema_name):
        quote = Quote.objects.select_related("invoice__remote").get(pk=sent.pk)
        invoice = quote.invoice
        assert quote.status == "converted" and quote.approved_by_client
        assert (invoice.status, invoice.client_id, str(invoice.amount)) == (
            "sent",
            ana.pk,
            "258.45",
        )
        remote_id = invoice.remote.remote_id
    assert response["Location"] == f"/portal/invoices/{invoice.pk}/pay/"
    to_platform = page.get(response["Location"])
    assert to_platform.status_code == 302 and remote_id in to_platform["Location"]
    # The quote now says what it became, and the invoice is in the client's list.
    text = page.get(f"/portal/quotes/{sent.pk}/").content.decode()
    assert f"it is now invoice {invoice.number}" in text and "Pay invoice" in text
    assert invoice.number in page.get("/portal/invoices/").content.decode()


def test_approving_twice_makes_one_invoice(
    alpha, alpha_billing, ana, sent, django_capture_on_commit_callbacks
):
    page = signed_in(alpha, ana)
    with django_capture_on_commit_callbacks(execute=True):
        first = page.post(f"/portal/quotes/{sent.pk}/approve/")
        second = page.post(f"/portal/quotes/{sent.pk}/approve/")
    assert first["Location"] == second["Location"]
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.filter(client=ana).count() == 1


def test_a_platform_failure_keeps_the_approval_and_says_the_invoice_follows(
    alpha, ana, sent, django_capture_on_commit_callbacks
):
    """No payment platform connected: the invoice cannot go out yet."""
    page = signed_in(alpha, ana)
    with django_capture_on_commit_callbacks(execute=True):
        response = page.post(f"/portal/quotes/{sent.pk}/approve/", follow=True)
    assert "Your invoice will follow by email shortly" in response.content.decode()
    with schema_context(alpha.schema_name):
        assert Quote.objects.get(pk=sent.pk).status == "approved"


def test_declining_needs_a_reason_and_records_it(alpha, ana, sent):
    page = signed_in(alpha, ana)
    missing = page.post(f"/portal/quotes/{sent.pk}/decline/", {"reason": "   "})
    assert missing.status_code == 400
    assert "Tell us why you decline this quote." in missing.content.decode()
    too_long = page.post(f"/portal/quotes/{sent.pk}/decline/", {"reason": "x" * 501})
    assert too_long.status_code == 400 and "under 500 characters" in too_long.content.decode()

    response = page.post(
        f"/portal/quotes/{sent.pk}/decline/", {"reason": "Too expensive <b>for us</b>"}
    )

    assert response["Location"] == f"/portal/quotes/{sent.pk}/"
    with schema_context(alpha.schema_name):
        quote = Quote.objects.get(pk=sent.pk)
        assert (quote.status, quote.decline_reason) == ("declined", "Too expensive <b>for us</b>")
    text = page.get(f"/portal/quotes/{sent.pk}/").content.decode()
    assert "You declined this quote." in text
    assert "Too expensive &lt;b&gt;for us&lt;/b&gt;" in text  # escaped, never markup
    assert "Decline the quote" not in text  # answered: nothing more to do


def test_a_quote_past_its_validity_expires_and_can_no_longer_be_approved(alpha, ana, sent):
    with schema_context(alpha.schema_name):
        Quote.objects.filter(pk=sent.pk).update(
            valid_until=services.account_today() - timedelta(days=1)
        )
    page = signed_in(alpha, ana)

    assert "This quote expired on" in page.get(f"/portal/quotes/{sent.pk}/").content.decode()
    refused = page.post(f"/portal/quotes/{sent.pk}/approve/")
    assert refused.status_code == 409
    with schema_context(alpha.schema_name):
        assert Quote.objects.get(pk=sent.pk).invoice_id is None


def test_signed_out_visitors_go_to_sign_in(alpha, sent):
    from client_portal.tests.conftest import browser

    visitor = browser(alpha)
    for url in ("/portal/quotes/", f"/portal/quotes/{sent.pk}/"):
        assert visitor.get(url)["Location"] == "/portal/sign-in/"
    assert visitor.post(f"/portal/quotes/{sent.pk}/approve/")["Location"] == "/portal/sign-in/"
