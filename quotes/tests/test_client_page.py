"""The client's page behind the quote's link: the quote, its lines, totals and PDF, Approve
and Decline; every end of a quote said plainly; anything but a live link of ours is 404."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from quotes import services
from quotes.models import Quote, QuoteLink
from quotes.tests.conftest import quebec_quote


def status_of(alpha, quote) -> str:
    with schema_context(alpha.schema_name):
        return Quote.objects.get(pk=quote.pk).status


def test_the_client_sees_the_quote_and_opening_it_marks_it_viewed(alpha, sent_quote, visitor):
    quote, link = sent_quote
    page = visitor.get(link)

    text = page.content.decode()
    assert page.status_code == 200
    for shown in ("Alpha Studio", "Q-00001", "Design work", "Hosting", "CA$258.45", "Approve",
                  "Decline", "Download the quote (PDF)"):  # fmt: skip
        assert shown in text
    assert status_of(alpha, quote) == "viewed"
    visitor.get(link)
    with schema_context(alpha.schema_name):
        assert QuoteLink.objects.get(quote=quote).views == 2
        assert quote.history.filter(to_status="viewed").count() == 1


def test_a_members_preview_is_not_the_clients_view(alpha, sent_quote, owner_client):
    quote, link = sent_quote
    assert owner_client.get(link).status_code == 200
    assert status_of(alpha, quote) == "sent"


def test_declining_needs_a_reason_and_keeps_it(alpha, sent_quote, visitor, owner_client):
    quote, link = sent_quote
    refused = visitor.post(f"{link}decline/", {"reason": "   "})
    assert refused.status_code == 400
    assert "Tell us why you decline this quote." in refused.content.decode()
    assert status_of(alpha, quote) == "sent"

    page = visitor.post(f"{link}decline/", {"reason": "Too expensive"}, follow=True)
    text = page.content.decode()
    assert "You declined this quote." in text and "Too expensive" in text
    assert "Approve" not in text
    assert status_of(alpha, quote) == "declined"
    staff = owner_client.get(f"/billing/quotes/{quote.pk}/").content.decode()
    assert "Declined by the client" in staff and "Too expensive" in staff


def test_a_quote_past_its_validity_says_it_expired(alpha, sent_quote, visitor):
    quote, link = sent_quote
    with schema_context(alpha.schema_name):
        Quote.objects.filter(pk=quote.pk).update(
            valid_until=services.account_today() - timedelta(days=1)
        )
    text = visitor.get(link).content.decode()
    assert "This quote expired on" in text and "Approve</button>" not in text
    assert status_of(alpha, quote) == "expired"


def test_a_canceled_quote_says_it_was_withdrawn(alpha, sent_quote, visitor, owner_client):
    quote, link = sent_quote
    owner_client.post(f"/billing/quotes/{quote.pk}/cancel/")
    assert status_of(alpha, quote) == "canceled"
    page = visitor.get(link)
    text = page.content.decode()
    assert page.status_code == 200 and "This quote was withdrawn by" in text
    assert "Approve</button>" not in text
    approve = visitor.post(f"{link}approve/")
    assert status_of(alpha, quote) == "canceled" and approve.status_code in (302, 400, 404, 409)


def test_an_expired_quote_by_hand_says_so(alpha, sent_quote, visitor, owner_client):
    quote, link = sent_quote
    owner_client.post(f"/billing/quotes/{quote.pk}/expire/")
    text = visitor.get(link).content.decode()
    assert "This quote expired on" in text


def test_a_tampered_or_revoked_link_is_not_found(alpha, sent_quote, visitor):
    quote, link = sent_quote
    token = link.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for path in (f"/quote/{tampered}/", f"/quote/{tampered}/pdf/", f"/quote/{'x' * 300}/"):
        assert visitor.get(path).status_code == 404
    assert visitor.post(f"/quote/{tampered}/approve/").status_code == 404
    with schema_context(alpha.schema_name):
        QuoteLink.objects.update(revoked_at=timezone.now())
    assert visitor.get(link).status_code == 404
    assert visitor.post(f"{link}approve/").status_code == 404
    assert status_of(alpha, quote) == "sent"


def test_a_link_of_another_account_never_opens_here(alpha, beta, sent_quote):
    from billing_saas.testing.fixtures import client_on

    quote, link = sent_quote
    on_beta = client_on(beta)
    assert on_beta.get(link).status_code == 404
    assert on_beta.post(f"{link}approve/").status_code == 404
    assert status_of(alpha, quote) == "sent"


def test_the_client_downloads_the_pdf_through_its_link(alpha, sent_quote, visitor):
    from quotes.tests.test_quote_pdf import downloaded

    quote, link = sent_quote
    text = downloaded(visitor.get(f"{link}pdf/"))
    assert "Q-00001" in text and "CA$258.45" in text


def test_a_draft_has_no_link_to_open(alpha, visitor):
    quebec_quote(alpha)
    with schema_context(alpha.schema_name):
        assert not QuoteLink.objects.exists()
