"""The request emails carry a portal link that signs in; Pay goes to the platform's page."""

from django.utils import timezone
from django_tenants.utils import schema_context

from client_portal.models import PortalLink
from client_portal.tests.conftest import browser, make_client, path_of, portal_links_in, signed_in
from payment_requests.models import PaymentRequest
from payment_requests.tests.conftest import make_request, send


def sent_invoice(alpha, captured, mailoutbox):
    make_client(alpha)
    item = send(alpha, make_request(alpha).pk, captured)
    [mail] = [mail for mail in mailoutbox if mail.to == ["ana@client.test"]]
    return item, mail


def test_the_request_email_keeps_its_pay_link_and_adds_a_portal_link(
    alpha,
    alpha_billing,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    item, mail = sent_invoice(alpha, django_capture_on_commit_callbacks, mailoutbox)

    assert "View and pay: http" in mail.body and "/pay/" in mail.body
    assert "See all your invoices in your portal: http" in mail.body
    [link] = portal_links_in(mail)
    html = mail.alternatives[0][0]
    assert link in html and "See all your invoices in your portal" in html
    with schema_context(alpha.schema_name):
        assert PortalLink.objects.get().target == f"/portal/invoices/{item.pk}/"


def test_the_portal_link_of_the_email_signs_in_on_the_invoice(
    alpha,
    alpha_billing,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    item, mail = sent_invoice(alpha, django_capture_on_commit_callbacks, mailoutbox)
    [link] = portal_links_in(mail)

    response = browser(alpha).get(path_of(link), follow=True)

    assert response.redirect_chain == [(f"/portal/invoices/{item.pk}/", 302)]
    text = response.content.decode()
    assert item.number in text and "Pay €150.00" in text


def test_pay_goes_to_the_platforms_page_as_the_emailed_link_does(
    alpha,
    alpha_billing,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    item, mail = sent_invoice(alpha, django_capture_on_commit_callbacks, mailoutbox)
    pay_link = next(word for word in mail.body.split() if "/pay/" in word)
    by_email = browser(alpha).get(path_of(pay_link) + "go/")

    response = signed_in(alpha, item.client).get(f"/portal/invoices/{item.pk}/pay/")

    assert response.status_code == by_email.status_code == 302
    assert response["Location"] == by_email["Location"]
    assert item.remote.remote_id in response["Location"]


def test_a_paid_invoice_offers_no_pay_button(
    alpha,
    alpha_billing,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    item, _mail = sent_invoice(alpha, django_capture_on_commit_callbacks, mailoutbox)
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=item.pk).update(status=PaymentRequest.Status.PAID)
    page = signed_in(alpha, item.client)

    text = page.get(f"/portal/invoices/{item.pk}/").content.decode()

    assert "This invoice is paid" in text and "Pay €" not in text
    assert (
        page.get(f"/portal/invoices/{item.pk}/pay/")["Location"] == f"/portal/invoices/{item.pk}/"
    )


def test_a_reminder_carries_a_portal_link_too(
    alpha,
    alpha_billing,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from payment_requests.services.emails import send_email

    item, _mail = sent_invoice(alpha, django_capture_on_commit_callbacks, mailoutbox)
    mailoutbox.clear()
    with schema_context(alpha.schema_name):
        send_email(item.pk, "reminder", "http://alpha.localhost/pay/x/")

    [mail] = mailoutbox
    assert len(portal_links_in(mail)) == 1


def test_the_quote_email_carries_a_portal_link_that_signs_in_on_the_quote(
    alpha, mailoutbox, django_capture_on_commit_callbacks
):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from billing_saas.testing.fixtures import owner_of
    from payment_requests.services.lines import LineDraft
    from quotes import services as quotes

    ana = make_client(alpha)
    with schema_context(alpha.schema_name):
        quote = quotes.create_quote(
            actor=owner_of(alpha),
            title="Kitchen",
            client=ana,
            currency="EUR",
            valid_until=timezone.localdate() + timedelta(days=30),
            lines=[LineDraft("Tiling", Decimal(2), Decimal("150"))],
        )
    with django_capture_on_commit_callbacks(execute=True), schema_context(alpha.schema_name):
        quotes.send_quote(quote.pk, actor=owner_of(alpha))

    [mail] = mailoutbox
    assert "/quote/" in mail.body
    [link] = portal_links_in(mail)
    landed = browser(alpha).get(path_of(link), follow=True)
    assert landed.redirect_chain[-1][0] == f"/portal/quotes/{quote.pk}/"
    assert "Tiling" in landed.content.decode()


def test_the_receipt_links_to_the_paid_invoice_in_the_portal_and_the_staff_notice_does_not(
    alpha, alpha_billing, mailoutbox, django_capture_on_commit_callbacks
):
    from payment_requests.services.emails import deliver_email

    item, _mail = sent_invoice(alpha, django_capture_on_commit_callbacks, mailoutbox)
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=item.pk).update(
            status=PaymentRequest.Status.PAID, amount_paid=item.amount, paid_at=timezone.now()
        )
    mailoutbox.clear()
    with schema_context(alpha.schema_name):
        deliver_email(item.pk, "paid", "")

    receipt = next(mail for mail in mailoutbox if item.client.email in mail.to)
    [link] = portal_links_in(receipt)
    assert all(not portal_links_in(mail) for mail in mailoutbox if mail is not receipt)
    landed = browser(alpha).get(path_of(link), follow=True)
    assert landed.redirect_chain[-1][0] == f"/portal/invoices/{item.pk}/"
    assert "Paid" in landed.content.decode()
    mailoutbox.clear()
    with schema_context(alpha.schema_name):
        PaymentRequest.objects.filter(pk=item.pk).update(
            status=PaymentRequest.Status.REFUNDED, amount_refunded=item.amount
        )
        deliver_email(item.pk, "refund", "")
    refund = next(mail for mail in mailoutbox if item.client.email in mail.to)
    assert len(portal_links_in(refund)) == 1
