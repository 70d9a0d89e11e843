"""Links into the portal: once, until they expire, for their own client only."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from client_portal.models import PortalLink, PortalSession
from client_portal.tests.conftest import (
    browser,
    make_client,
    make_invoice,
    portal_links_in,
    portal_token,
    signed_in,
)

USED = "This link was already used or has expired"
NOT_VALID = "This link is no longer valid"
OFFER = "Email me a new link"


def test_a_valid_link_signs_in_on_its_target(alpha):
    ana = make_client(alpha)
    item = make_invoice(alpha, ana, number="INV-00007")
    token = portal_token(alpha, ana, f"/portal/invoices/{item.pk}/")
    page = browser(alpha)

    response = page.get(f"/portal/open/{token}/", follow=True)

    assert response.redirect_chain == [(f"/portal/invoices/{item.pk}/", 302)]
    assert "INV-00007" in response.content.decode()
    with schema_context(alpha.schema_name):
        assert PortalLink.objects.get().used_at is not None
        assert PortalSession.objects.get().client == ana


def test_a_used_link_offers_a_fresh_one_by_email(alpha, mailoutbox):
    ana = make_client(alpha)
    token = portal_token(alpha, ana)
    browser(alpha).get(f"/portal/open/{token}/")

    response = browser(alpha).get(f"/portal/open/{token}/")

    text = response.content.decode()
    assert response.status_code == 200 and USED in text and OFFER in text
    with schema_context(alpha.schema_name):
        assert PortalSession.objects.count() == 1  # the second browser was not signed in

    sent = browser(alpha).post(f"/portal/open/{token}/fresh/")

    assert "We have emailed a new link" in sent.content.decode()
    [mail] = mailoutbox
    assert mail.to == ["ana@client.test"]
    [fresh] = portal_links_in(mail)
    assert token not in fresh
    landed = browser(alpha).get(fresh, follow=True)
    assert landed.redirect_chain[-1][0] == "/portal/invoices/"


def test_a_used_link_goes_on_for_the_browser_it_signed_in(alpha):
    ana = make_client(alpha)
    token = portal_token(alpha, ana)
    page = browser(alpha)
    page.get(f"/portal/open/{token}/")

    response = page.get(f"/portal/open/{token}/")

    assert response.status_code == 302 and response["Location"] == "/portal/invoices/"


def test_a_used_link_in_a_browser_signed_in_as_another_client_offers_a_fresh_one(alpha):
    ana, bob = make_client(alpha), make_client(alpha, "Bob Other")
    token = portal_token(alpha, ana)
    browser(alpha).get(f"/portal/open/{token}/")

    response = signed_in(alpha, bob).get(f"/portal/open/{token}/")

    assert USED in response.content.decode()


def test_an_expired_link_offers_a_fresh_one(alpha):
    ana = make_client(alpha)
    token = portal_token(alpha, ana)
    with schema_context(alpha.schema_name):
        PortalLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = browser(alpha).get(f"/portal/open/{token}/")

    assert USED in response.content.decode() and OFFER in response.content.decode()
    with schema_context(alpha.schema_name):
        assert not PortalSession.objects.exists()


def test_a_tampered_link_is_refused_and_offers_nothing(alpha, mailoutbox):
    ana = make_client(alpha)
    token = portal_token(alpha, ana)

    for tampered in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 43, "x" * 500):
        response = browser(alpha).get(f"/portal/open/{tampered}/")
        assert response.status_code == 404
        assert NOT_VALID in response.content.decode() and OFFER not in response.content.decode()
        assert browser(alpha).post(f"/portal/open/{tampered}/fresh/").status_code == 404
    assert mailoutbox == []


def test_another_accounts_link_is_refused_on_this_host(alpha, beta):
    ana = make_client(alpha)
    token = portal_token(alpha, ana)

    response = browser(beta).get(f"/portal/open/{token}/")

    assert response.status_code == 404
    with schema_context(beta.schema_name):
        assert not PortalSession.objects.exists()


def test_a_link_whose_target_is_another_clients_invoice_never_shows_it(alpha):
    ana, bob = make_client(alpha), make_client(alpha, "Bob Other")
    bobs = make_invoice(alpha, bob, description="Bob's secret retainer")
    token = portal_token(alpha, ana, f"/portal/invoices/{bobs.pk}/")

    response = browser(alpha).get(f"/portal/open/{token}/", follow=True)

    assert response.status_code == 404
    assert "secret" not in response.content.decode()


def test_a_fresh_link_is_not_sent_to_an_address_the_client_no_longer_has(alpha, mailoutbox):
    ana = make_client(alpha)
    token = portal_token(alpha, ana)
    browser(alpha).get(f"/portal/open/{token}/")
    with schema_context(alpha.schema_name):
        ana.email = "ana@new-company.test"
        ana.save()

    response = browser(alpha).post(f"/portal/open/{token}/fresh/")

    assert "We have emailed a new link" in response.content.decode()  # the page says the same
    assert mailoutbox == []


def test_fresh_links_are_rate_limited(alpha, mailoutbox):
    ana = make_client(alpha)
    token = portal_token(alpha, ana)
    browser(alpha).get(f"/portal/open/{token}/")

    answers = [browser(alpha).post(f"/portal/open/{token}/fresh/") for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert "Too many attempts, try again in" in answers[-1].content.decode()
    assert len(mailoutbox) == 3


def test_a_link_never_leads_out_of_the_portal(alpha):
    import pytest

    ana = make_client(alpha)
    for target in ("https://evil.test/", "//evil.test/portal/", "/billing/", "/portal/../billing/"):
        with pytest.raises(ValueError), schema_context(alpha.schema_name):
            portal_token(alpha, ana, target)
