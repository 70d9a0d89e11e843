"""A client reads its own language: its pay page (where it can change it) and its emails."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on
from clients.models import Client
from payment_requests.tests.conftest import link_from, make_client, make_request, send
from tenants.models import Tenant

pytestmark = pytest.mark.django_db


def speak(tenant: Tenant, language: str) -> None:
    Tenant.objects.filter(pk=tenant.pk).update(language=language)


def html_lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_clients_pay_page_is_in_its_language_and_the_client_can_change_it(
    alpha, sent_to_french_client
):
    item, link = sent_to_french_client
    browser = client_on(alpha)
    page = browser.get(link)
    assert html_lang(page) == "fr"
    assert "Payer maintenant" in page.content.decode()

    response = browser.post(f"{link}language/", {"language": "en"})
    assert response.status_code == 302
    with schema_context(alpha.schema_name):
        assert Client.objects.get(pk=item.client_id).language == "en"
    assert html_lang(browser.get(link)) == "en"


def test_a_language_we_do_not_have_changes_nothing(alpha, sent_to_french_client):
    item, link = sent_to_french_client
    client_on(alpha).post(f"{link}language/", {"language": "xx"})
    with schema_context(alpha.schema_name):
        assert Client.objects.get(pk=item.client_id).language == "fr"


def test_the_request_email_is_in_the_clients_language(sent_to_french_client):
    message = mail.outbox[-1]
    assert "Bonjour" in message.body
    assert "€" in message.body and "," in message.body  # 150,00 €


def test_an_english_client_of_a_french_account_reads_english(
    alpha, alpha_billing, mailoutbox, django_capture_on_commit_callbacks
):
    speak(alpha, "fr")
    with schema_context(alpha.schema_name):
        client = make_client(alpha)
        Client.objects.filter(pk=client.pk).update(language="en")
    draft = make_request(alpha, client=client)
    send(alpha, draft.pk, django_capture_on_commit_callbacks)
    assert "Hello" in mailoutbox[-1].body


def test_emails_to_a_client_without_a_language_follow_the_account(
    alpha, alpha_billing, mailoutbox, django_capture_on_commit_callbacks
):
    speak(alpha, "fr")
    make_client(alpha)
    send(alpha, make_request(alpha).pk, django_capture_on_commit_callbacks)
    assert "Bonjour" in mailoutbox[-1].body


# ---- fixtures ------------------------------------------------------------------------------------
@pytest.fixture
def sent_to_french_client(alpha, alpha_billing, mailoutbox, django_capture_on_commit_callbacks):
    client = make_client(alpha)
    with schema_context(alpha.schema_name):
        Client.objects.filter(pk=client.pk).update(language="fr")
    item = send(alpha, make_request(alpha, client=client).pk, django_capture_on_commit_callbacks)
    link = link_from(mailoutbox[-1])
    return item, "/" + link.split("/", 3)[3]


def test_the_worker_writes_for_the_staff_in_the_accounts_language(
    alpha, alpha_billing, stripe_platform, mailoutbox, django_capture_on_commit_callbacks
):
    """A declined card, applied by the worker's task: the reason reads as the account does."""
    from payment_requests.models import PaymentRequest

    speak(alpha, "fr")
    make_client(alpha)
    item = send(alpha, make_request(alpha).pk, django_capture_on_commit_callbacks)
    client_pays_and_the_worker_applies(
        stripe_platform, alpha_billing, alpha, item, "4000000000000002",
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    with schema_context(alpha.schema_name):
        assert PaymentRequest.objects.get().payment_failure == "La carte a été refusée."


def test_a_payment_is_confirmed_to_each_reader_in_their_own_language(
    alpha,
    alpha_billing,
    stripe_platform,
    mailoutbox,
    emails_sent_by_the_worker_at_once,
    django_capture_on_commit_callbacks,
):
    """A French account, an English-speaking owner, a French client: two receipts, two
    languages."""
    from tenants.members.models import User

    speak(alpha, "fr")
    with schema_context(alpha.schema_name):
        User.objects.filter(email=alpha.owner_email).update(language="en")
    item = send(alpha, make_request(alpha, client=make_client(alpha)).pk,
                django_capture_on_commit_callbacks)  # fmt: skip
    client_pays_and_the_worker_applies(
        stripe_platform, alpha_billing, alpha, item, "4242424242424242",
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    receipts = {message.to[0]: message for message in mailoutbox[1:]}
    assert "Bonjour" in receipts["ana@client.test"].body
    assert "150,00\u00a0€" in receipts["ana@client.test"].body
    assert "paid" in receipts[alpha.owner_email].subject  # "Ana Client paid €150.00"
    assert "€150.00" in receipts[alpha.owner_email].subject


def client_pays_and_the_worker_applies(emulator, connection, tenant, item, card, captured):
    """The client pays (or tries) on Stripe; the webhooks are stored and each event applied
    by the worker's task, which runs in the account's language."""
    from connectors.models import InboundEvent
    from connectors.tasks import process_inbound_event
    from payment_requests.tests.conftest import event_count, post_new_events

    since = event_count(emulator, connection)
    emulator.state.pay_invoice(connection.remote_account_id, item.remote.remote_id, card)
    post_new_events(emulator, connection, since)
    with schema_context(tenant.schema_name):
        pending = list(InboundEvent.objects.filter(processed_at__isnull=True).values_list("pk"))
    with captured(execute=True):
        for (pk,) in pending:
            process_inbound_event(tenant.schema_name, pk)
