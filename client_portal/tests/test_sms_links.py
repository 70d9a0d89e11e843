"""Every SMS to a client about a document links to it in the portal, signed in as that
client: a link of its own (not the email's), sent to the client's mobile, and the SMS's only
link (the portal's page has Pay, or Approve)."""

from __future__ import annotations

import re

from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import owner_of
from client_portal.models import PortalLink, PortalSession
from client_portal.tests.conftest import browser, make_client, path_of, portal_links_in
from payment_requests.services import remind
from payment_requests.tests.conftest import make_request, send
from quotes import services as quote_services
from quotes.tests.conftest import quebec_quote

MOBILE = "+33612345678"
LINK = re.compile(r"https?://\S+")


def the_link_of(sms) -> str:
    [link] = LINK.findall(sms["body"])  # one link per SMS
    assert "/portal/open/" in link
    return link


def test_the_request_sms_opens_the_invoice_signed_in_as_its_client(
    alpha, alpha_billing, twilio_platform, mailoutbox, django_capture_on_commit_callbacks
):
    ana = make_client(alpha, mobile=MOBILE)
    item = send(alpha, make_request(alpha, client=ana).pk, django_capture_on_commit_callbacks)
    (sms,) = twilio_platform.sent_to(MOBILE)
    link = the_link_of(sms)

    landed = browser(alpha).get(path_of(link), follow=True)

    assert landed.redirect_chain == [(f"/portal/invoices/{item.pk}/", 302)]
    assert item.number in landed.content.decode() and "Pay €150.00" in landed.content.decode()
    with schema_context(alpha.schema_name):
        assert PortalSession.objects.get().client == ana
        by_sms = PortalLink.objects.get(recipient=MOBILE)
        by_email = PortalLink.objects.get(recipient="ana@client.test")
    assert by_sms.target == by_email.target == f"/portal/invoices/{item.pk}/"
    assert by_sms.used_at is not None and by_email.used_at is None  # two links, one used
    [emailed] = portal_links_in(mailoutbox[0])
    assert emailed != link


def test_a_reminder_sms_opens_the_invoice_too(
    alpha, alpha_billing, twilio_platform, django_capture_on_commit_callbacks
):
    ana = make_client(alpha, mobile=MOBILE)
    item = send(alpha, make_request(alpha, client=ana).pk, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True), schema_context(alpha.schema_name):
        remind(item.pk, actor=owner_of(alpha))
    first, reminder = twilio_platform.sent_to(MOBILE)

    assert "reminder" in reminder["body"]
    landed = browser(alpha).get(path_of(the_link_of(reminder)), follow=True)
    assert landed.redirect_chain == [(f"/portal/invoices/{item.pk}/", 302)]


def test_the_quote_sms_opens_the_quote_signed_in_with_approve(
    alpha, twilio_platform, django_capture_on_commit_callbacks
):
    ana = make_client(alpha, mobile=MOBILE)
    quote = quebec_quote(alpha, client=ana)
    with django_capture_on_commit_callbacks(execute=True), schema_context(alpha.schema_name):
        quote_services.send_quote(quote.pk, actor=owner_of(alpha))
    (sms,) = twilio_platform.sent_to(MOBILE)

    landed = browser(alpha).get(path_of(the_link_of(sms)), follow=True)

    assert landed.redirect_chain == [(f"/portal/quotes/{quote.pk}/", 302)]
    assert "Approve (CA$258.45)" in landed.content.decode()


def test_a_used_sms_link_emails_a_fresh_one_to_the_clients_address(
    alpha, alpha_billing, twilio_platform, mailoutbox, django_capture_on_commit_callbacks
):
    ana = make_client(alpha, mobile=MOBILE)
    item = send(alpha, make_request(alpha, client=ana).pk, django_capture_on_commit_callbacks)
    path = path_of(the_link_of(twilio_platform.sent_to(MOBILE)[0]))
    browser(alpha).get(path)
    mailoutbox.clear()

    sent = browser(alpha).post(path + "fresh/")

    assert "We have emailed a new link to your email address." in sent.content.decode()
    [mail] = mailoutbox
    assert mail.to == ["ana@client.test"]
    [fresh] = portal_links_in(mail)
    landed = browser(alpha).get(path_of(fresh), follow=True)
    assert landed.redirect_chain == [(f"/portal/invoices/{item.pk}/", 302)]


def test_a_used_sms_link_sends_nothing_once_the_number_is_no_longer_the_clients(
    alpha, alpha_billing, twilio_platform, mailoutbox, django_capture_on_commit_callbacks
):
    ana = make_client(alpha, mobile=MOBILE)
    send(alpha, make_request(alpha, client=ana).pk, django_capture_on_commit_callbacks)
    path = path_of(the_link_of(twilio_platform.sent_to(MOBILE)[0]))
    browser(alpha).get(path)
    with schema_context(alpha.schema_name):
        ana.mobile = "+33698765432"
        ana.save()
    mailoutbox.clear()

    browser(alpha).post(path + "fresh/")

    assert mailoutbox == []
