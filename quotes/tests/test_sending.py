"""Save and send: the client gets the quote by email and, with a mobile, by SMS; the quote
takes the next number of its own gapless sequence and says it was sent."""

from __future__ import annotations

from django_tenants.utils import schema_context

from clients.models import Client
from notifications.models import Message
from quotes.models import Quote
from quotes.tests.conftest import MOBILE, quebec_quote, quote_link, send_quote


def test_sending_emails_and_texts_the_client_a_link_and_numbers_the_quote(
    alpha, twilio_platform, mailoutbox, django_capture_on_commit_callbacks
):
    with schema_context(alpha.schema_name):
        ana = Client.objects.create(name="Ana", email="ana@client.test", mobile=MOBILE)
    quote = send_quote(
        alpha, quebec_quote(alpha, client=ana).pk, django_capture_on_commit_callbacks
    )

    assert (quote.number, quote.status) == ("Q-00001", "sent")
    (mail,) = mailoutbox
    assert mail.to == ["ana@client.test"]
    assert "Q-00001" in mail.subject and "CA$258.45" in mail.subject
    assert "Design work" in mail.body and "/quote/" in quote_link(mail)
    (sms,) = twilio_platform.sent_to(MOBILE)
    assert "/portal/open/" in sms["body"] and "CA$258.45" in sms["body"]  # the portal's quote
    with schema_context(alpha.schema_name):
        recorded = Message.objects.filter(document_type="quote", document_id=quote.pk)
        assert sorted(recorded.values_list("channel", "purpose")) == [
            ("email", "quote.sent"),
            ("sms", "quote.sent"),
        ]


def test_quotes_are_numbered_in_their_own_sequence_when_first_sent(
    alpha, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = quebec_quote(alpha), quebec_quote(alpha)
    assert first.number is None  # a draft takes no number
    send_quote(alpha, second.pk, django_capture_on_commit_callbacks)
    send_quote(alpha, first.pk, django_capture_on_commit_callbacks)
    send_quote(alpha, second.pk, django_capture_on_commit_callbacks)  # sent again: same number

    with schema_context(alpha.schema_name):
        numbers = dict(Quote.objects.values_list("pk", "number"))
    assert numbers == {second.pk: "Q-00001", first.pk: "Q-00002"}
    assert len(mailoutbox) == 3  # the resend is a new message, with a new link


def test_the_details_page_lists_the_messages_and_the_history(
    alpha, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    quote = send_quote(alpha, quebec_quote(alpha).pk, django_capture_on_commit_callbacks)

    page = owner_client.get(f"/billing/quotes/{quote.pk}/").content.decode()
    assert "Q-00001" in page and "Sent to ana@client.test" in page
    assert "To ana@client.test" in page  # its email, in the messages
    assert "CA$258.45" in page


def test_an_account_that_attaches_pdfs_sends_the_quote_pdf_with_the_email(
    alpha, mailoutbox, django_capture_on_commit_callbacks
):
    import io

    from pypdf import PdfReader

    from payment_requests.models import BillingSettings

    with schema_context(alpha.schema_name):
        BillingSettings.current()
        BillingSettings.objects.update(attach_pdf=True)
    quote = send_quote(alpha, quebec_quote(alpha).pk, django_capture_on_commit_callbacks)

    ((filename, data, mimetype),) = mailoutbox[0].attachments
    assert (filename, mimetype) == ("Q-00001.pdf", "application/pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert quote.number in text and "Design work" in text
