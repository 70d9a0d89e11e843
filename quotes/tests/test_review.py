"""The Review screen: Review from the builder saves the draft and shows the quote as the
client will read it; from there, view the PDF, keep it, send it, or approve it on the
client's behalf and open its invoice's pay page so the client pays on the spot."""

from __future__ import annotations

from django_tenants.utils import schema_context

from payment_requests.models import PaymentRequest
from quotes import services
from quotes.models import Quote
from quotes.tests.conftest import quebec_quote, send_quote
from quotes.tests.test_builder import ana, quote_data


def test_review_saves_the_draft_and_shows_it_with_what_to_do_next(alpha, owner_client):
    client = ana(alpha)

    response = owner_client.post("/billing/quotes/new/", quote_data(client.pk, action="review"))

    with schema_context(alpha.schema_name):
        quote = Quote.objects.get()
    assert quote.status == "draft" and response["Location"] == f"/billing/quotes/{quote.pk}/review/"
    page = owner_client.get(response["Location"]).content.decode()
    assert "Review the quote" in page and "Tiling" in page and "€300.00" in page
    assert f"/billing/quotes/{quote.pk}/pdf/" in page
    assert f'action="/billing/quotes/{quote.pk}/send/"' in page
    assert f'action="/billing/quotes/{quote.pk}/pay-now/"' in page


def test_pay_on_the_spot_sends_approves_for_the_client_and_opens_the_invoices_pay_page(
    alpha_billing, alpha, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    draft = quebec_quote(alpha)

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"/billing/quotes/{draft.pk}/pay-now/")

    assert response.status_code == 302 and response["Location"].startswith("/pay/")
    with schema_context(alpha.schema_name):
        quote = Quote.objects.select_related("invoice").get(pk=draft.pk)
        assert quote.status == "converted" and not quote.approved_by_client
        assert quote.approved_by.email == alpha.owner_email
        assert quote.invoice.status == PaymentRequest.Status.SENT
        assert quote.invoice.amount == quote.total
    pay_page = owner_client.get(response["Location"]).content.decode()
    assert "Pay now" in pay_page
    # The client keeps both by email: the quote, then its invoice.
    assert [mail.to for mail in mailoutbox] == [[quote.client.email]] * 2


def test_a_declined_quote_cannot_be_paid_on_the_spot(
    alpha_billing, alpha, owner_client, django_capture_on_commit_callbacks
):
    quote = send_quote(alpha, quebec_quote(alpha).pk, django_capture_on_commit_callbacks)
    with schema_context(alpha.schema_name):
        services.decline(quote.pk, "Too expensive")

    response = owner_client.post(f"/billing/quotes/{quote.pk}/pay-now/")

    assert response["Location"] == f"/billing/quotes/{quote.pk}/"
    assert owner_client.get(f"/billing/quotes/{quote.pk}/review/")["Location"] == (
        f"/billing/quotes/{quote.pk}/"
    )
    with schema_context(alpha.schema_name):
        assert Quote.objects.get(pk=quote.pk).invoice_id is None
