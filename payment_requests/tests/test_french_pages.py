"""A French-speaking account sees no English: every page a member, a visitor or a client
opens is searched for a sentence of the English catalogue left untranslated."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member, owner_of
from billing_saas.tests.test_translations import CATALOGUE, _catalogue
from clients.models import Client
from payment_requests.models import PaymentRequest, TaxRate
from payment_requests.tests.conftest import link_from, make_client, make_request, send
from tenants.models import Tenant

pytestmark = pytest.mark.django_db


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # Text marked as in another language (the picker's "English") is meant to be; the
        # page's own language is checked separately.
        other_language = tag != "html" and attributes.get("lang") not in (None, "fr")
        if tag in ("script", "style") or other_language:
            self._skip.append(tag)
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attributes.get(name) and not self._skip:
                self.chunks.append(attributes[name].strip())

    def handle_endtag(self, tag):
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.chunks.append(" ".join(data.split()))


def english_in(html: str) -> list[str]:
    from billing_saas.languages import choices

    named_in_themselves = {name for _code, name in choices()}  # "English" in the picker
    english = {
        message.id
        for message in _catalogue(CATALOGUE)
        if isinstance(message.id, str) and message.string != message.id and len(message.id) > 3
    } - named_in_themselves
    parser = _Text()
    parser.feed(html)
    return [chunk for chunk in parser.chunks if chunk in english]


def test_the_search_finds_an_english_sentence():
    assert english_in("<p>Create a payment request</p>") == ["Create a payment request"]
    assert english_in('<p lang="en">English</p><p>Créer une demande de paiement</p>') == []


@pytest.fixture
def french_account(alpha, alpha_billing, mailoutbox, django_capture_on_commit_callbacks):
    Tenant.objects.filter(pk=alpha.pk).update(language="fr", country="FR")
    client = make_client(alpha)
    draft = make_request(alpha, client=client, description="Conseil – juin")
    item = send(alpha, draft.pk, django_capture_on_commit_callbacks)
    make_request(alpha, client=client, description="Brouillon")
    refunded = make_request(alpha, client=client, description="Remboursée")
    with schema_context(alpha.schema_name):  # how it looks; refunds themselves: test_refunds
        PaymentRequest.objects.filter(pk=refunded.pk).update(
            status=PaymentRequest.Status.PARTIALLY_REFUNDED,
            amount_paid=refunded.amount,
            amount_refunded=Decimal("50.00"),
        )
        TaxRate.objects.create(name="TVA", rate=Decimal("20"))
    make_member(alpha, "emma@alpha.example")
    link = "/" + link_from(mailoutbox[-1]).split("/", 3)[3]
    return item, client, link


def test_no_page_of_a_french_account_shows_english(alpha, french_account):
    item, client, link = french_account
    owner = client_on(alpha, owner_of(alpha))
    with schema_context(alpha.schema_name):
        client_pk = Client.objects.get().pk
        refunded_pk = PaymentRequest.objects.get(description="Remboursée").pk
    pages = [
        "/",
        "/billing/",
        f"/billing/?open={item.pk}",
        "/billing/?status=draft",
        "/billing/?status=deleted",
        f"/billing/?open={refunded_pk}",
        "/billing/settings/taxes/",
        "/settings/email/",
        "/billing/requests/new/",
        f"/billing/requests/{item.pk}/",
        "/billing/clients/",
        "/billing/clients/new/",
        f"/billing/clients/{client_pk}/",
        "/billing/access/",
        "/billing/settings/",
        "/settings/payments/",
        "/catalog/",
        "/catalog/client-billing/",
        "/accounts/profile/",
        "/accounts/employees/",
        "/dev/outbox/",
        "/no-such-page/",
    ]
    found = {}
    for path in pages:
        response = owner.get(path, follow=True)
        assert '<html lang="fr">' in response.content.decode(), path
        leftovers = english_in(response.content.decode())
        if leftovers:
            found[path] = leftovers
    visitor = client_on(alpha)
    for path in ["/accounts/login/", "/accounts/password-reset/", link, "/pay/thanks/"]:
        response = visitor.get(path, HTTP_ACCEPT_LANGUAGE="en-US", follow=True)
        assert '<html lang="fr">' in response.content.decode(), path
        leftovers = english_in(response.content.decode())
        if leftovers:
            found[path] = leftovers
    assert found == {}


def test_the_clients_emails_of_a_french_account_are_french(
    alpha, french_account, mailoutbox, django_capture_on_commit_callbacks
):
    from payment_requests import services

    item, _client, _link = french_account
    with schema_context(alpha.schema_name), django_capture_on_commit_callbacks(execute=True):
        services.remind(item.pk, actor=owner_of(alpha))
        services.cancel_request(item.pk, actor=owner_of(alpha))
    subjects = [message.subject for message in mailoutbox]
    assert len(mailoutbox) == 3, subjects  # the request, a reminder, the cancellation
    for message in mailoutbox:
        html = message.alternatives[0][0]
        assert english_in(html) == [], message.subject
        lines = [line.strip() for line in message.body.splitlines()]
        assert [line for line in lines if english_in(f"<p>{line}</p>")] == [], message.subject
    assert subjects[1].startswith("Relance")
