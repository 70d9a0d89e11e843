"""Links of canceled documents are dead: they sign no one in and offer no fresh link, and the
document's portal page says it is no longer available. A canceled request's pay link shows
nothing to pay."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from client_portal.models import PortalLink, PortalSession
from client_portal.tests.conftest import (
    browser,
    make_client,
    make_invoice,
    portal_token,
    signed_in,
)
from payment_requests.services import links as pay_links
from quotes import services as quote_services
from quotes.models import Quote
from quotes.tests.conftest import quebec_quote

NOT_VALID = "This link is no longer valid"
OFFER = "Email me a new link"


def assert_dead(tenant, token, page=None):
    """The neutral answer of a link that never existed: no session, no offer, not used."""
    page = page or browser(tenant)
    with schema_context(tenant.schema_name):
        sessions_before = PortalSession.objects.count()

    response = page.get(f"/portal/open/{token}/")

    text = response.content.decode()
    assert response.status_code == 404 and NOT_VALID in text and OFFER not in text
    assert "portal_session" not in response.cookies
    assert page.post(f"/portal/open/{token}/fresh/").status_code == 404
    with schema_context(tenant.schema_name):
        assert PortalSession.objects.count() == sessions_before
        assert not PortalLink.objects.filter(used_at__isnull=False).exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "canceled"},
        {"status": "expired"},
        {"status": "paid", "deleted_at": timezone.now()},  # deleted: nothing left to pay
    ],
    ids=["canceled", "expired", "deleted"],
)
@pytest.mark.parametrize("page", ["", "pay/", "pdf/"])
def test_a_link_to_an_invoice_the_portal_no_longer_shows_is_dead(alpha, mailoutbox, changes, page):
    ana = make_client(alpha)
    item = make_invoice(alpha, ana, number="INV-00009", **changes)
    token = portal_token(alpha, ana, f"/portal/invoices/{item.pk}/{page}")

    assert_dead(alpha, token)
    assert mailoutbox == []


def test_an_invoice_canceled_after_its_email_left_kills_its_link(alpha):
    ana = make_client(alpha)
    item = make_invoice(alpha, ana)
    token = portal_token(alpha, ana, f"/portal/invoices/{item.pk}/")
    with schema_context(alpha.schema_name):
        type(item).objects.filter(pk=item.pk).update(status="canceled")

    assert_dead(alpha, token)


def test_a_dead_link_does_not_go_on_even_for_its_clients_own_browser(alpha):
    ana = make_client(alpha)
    item = make_invoice(alpha, ana, status="canceled")
    token = portal_token(alpha, ana, f"/portal/invoices/{item.pk}/")

    assert_dead(alpha, token, page=signed_in(alpha, ana))


def test_a_deleted_invoice_that_can_still_be_paid_keeps_its_link(alpha):
    # As its emailed pay link does: deleting a sent invoice does not cancel it.
    ana = make_client(alpha)
    item = make_invoice(alpha, ana, number="INV-00011", deleted_at=timezone.now())
    token = portal_token(alpha, ana, f"/portal/invoices/{item.pk}/")

    response = browser(alpha).get(f"/portal/open/{token}/", follow=True)

    assert response.status_code == 200 and "INV-00011" in response.content.decode()


def test_a_signed_in_client_is_told_its_canceled_invoice_is_no_longer_available(alpha):
    ana = make_client(alpha)
    item = make_invoice(alpha, ana, status="canceled", number="INV-00009")

    response = signed_in(alpha, ana).get(f"/portal/invoices/{item.pk}/")

    text = response.content.decode()
    assert response.status_code == 410 and "This invoice is no longer available" in text
    assert "It was canceled (void)" in text and "150.00" not in text
    assert "Download PDF" not in text and "Pay" not in text.split("</nav>")[1]


def withdrawn_quote(alpha, mailoutbox, captured):
    ana = make_client(alpha)
    quote = quebec_quote(alpha, client=ana)
    with captured(execute=True), schema_context(alpha.schema_name):
        quote_services.send_quote(quote.pk, actor=owner_of(alpha))
    mailoutbox.clear()
    token = portal_token(alpha, ana, f"/portal/quotes/{quote.pk}/")
    with captured(execute=True), schema_context(alpha.schema_name):
        quote_services.cancel_quote(quote.pk, actor=owner_of(alpha))
        assert Quote.objects.get(pk=quote.pk).status == Quote.Status.CANCELED
    return ana, quote, token


def test_a_withdrawn_quotes_link_is_dead_and_its_page_says_so(
    alpha, mailoutbox, django_capture_on_commit_callbacks
):
    ana, quote, token = withdrawn_quote(alpha, mailoutbox, django_capture_on_commit_callbacks)

    assert_dead(alpha, token)
    page = signed_in(alpha, ana).get(f"/portal/quotes/{quote.pk}/").content.decode()
    assert "This quote was withdrawn by Alpha Studio" in page and "Approve" not in page


def test_an_expired_quotes_link_still_signs_in_and_says_it_expired(alpha):
    ana = make_client(alpha)
    quote = quebec_quote(alpha, client=ana)
    with schema_context(alpha.schema_name):
        Quote.objects.filter(pk=quote.pk).update(status=Quote.Status.EXPIRED)
    token = portal_token(alpha, ana, f"/portal/quotes/{quote.pk}/")

    response = browser(alpha).get(f"/portal/open/{token}/", follow=True)

    assert "This quote expired on" in response.content.decode()


def test_a_canceled_requests_pay_link_offers_nothing_to_pay(alpha, alpha_billing):
    ana = make_client(alpha)
    item = make_invoice(alpha, ana, status="canceled", number="INV-00009")
    with schema_context(alpha.schema_name):
        token = pay_links.new_link(item)

    page = browser(alpha).get(f"/pay/{token}/").content.decode()
    go = browser(alpha).get(f"/pay/{token}/go/")

    assert "canceled (void)" in page and "Pay now" not in page
    assert go.status_code == 302 and go["Location"] == f"/pay/{token}/"
