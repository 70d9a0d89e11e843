"""Registering as a new client from the portal: off unless the account switches it on, the
same answer for every address, and no client before its address is confirmed."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member, owner_of
from client_portal import registration, sign_in
from client_portal.models import PortalRegistration, PortalSettings
from client_portal.tests.conftest import browser, make_client, path_of
from clients.models import Client
from payment_requests.services.access import grant_access

ANSWER = "Check your email: we sent a link to confirm your address."
CONFIRM_LINK = re.compile(r"https?://[^\s\"<>]+/portal/register/[^\s\"<>/]+/")
BEA = {"name": "Bea Newcomer", "email": "bea@new.test", "mobile": "+33612345678", "language": "en"}


@pytest.fixture(autouse=True)
def registrations_answered_by_the_worker_at_once(monkeypatch):
    from client_portal.tasks import email_registration_link

    monkeypatch.setattr(
        email_registration_link, "delay", lambda *args: email_registration_link.apply(args)
    )


def visitor(tenant):
    """A browser from an address no other test uses (limits are counted per IP)."""
    return browser(tenant, REMOTE_ADDR="10." + ".".join(str(b) for b in uuid.uuid4().bytes[:3]))


def open_registration(tenant, enabled=True):
    with schema_context(tenant.schema_name):
        registration.set_open(enabled)


def clients_of(tenant) -> list[Client]:
    with schema_context(tenant.schema_name):
        return list(Client.objects.all())


def confirm_link_in(mail) -> str:
    [link] = CONFIRM_LINK.findall(mail.body)
    return path_of(link)


def registered(tenant, mailoutbox, details=BEA) -> str:
    """Register ``details`` on ``tenant``; the path of the link it emailed."""
    response = visitor(tenant).post("/portal/register/", details)
    assert ANSWER in response.content.decode()
    return confirm_link_in(mailoutbox[-1])


def test_registration_is_off_by_default_and_not_offered(alpha):
    page = visitor(alpha)

    assert page.get("/portal/register/").status_code == 404
    assert page.post("/portal/register/", BEA).status_code == 404
    assert "/portal/register/" not in page.get("/portal/sign-in/").content.decode()
    assert clients_of(alpha) == []


def test_a_newcomer_registers_confirms_the_address_and_lands_in_their_portal(alpha, mailoutbox):
    open_registration(alpha)
    page = visitor(alpha)
    assert 'href="/portal/register/"' in page.get("/portal/sign-in/").content.decode()

    response = page.post("/portal/register/", {**BEA, "company": "Bea Studio", "language": "fr"})

    assert ANSWER in response.content.decode()
    [mail] = mailoutbox
    assert mail.to == ["bea@new.test"]
    assert mail.subject == f"Confirmez votre adresse e-mail pour {alpha.name}"  # in her language
    assert clients_of(alpha) == []  # nothing before the address is confirmed
    landed = browser(alpha).get(confirm_link_in(mail), follow=True)
    assert landed.redirect_chain[-1][0] == "/portal/invoices/"
    assert "Bea Newcomer" in landed.content.decode()
    [bea] = clients_of(alpha)
    assert (bea.name, bea.company, bea.email) == ("Bea Newcomer", "Bea Studio", "bea@new.test")
    assert (str(bea.mobile), bea.language) == ("+33612345678", "fr")


def test_a_clients_address_gets_a_sign_in_link_and_the_very_same_answer(alpha, mailoutbox):
    open_registration(alpha)
    ana = make_client(alpha, email="ana@client.test")

    known = visitor(alpha).post("/portal/register/", {**BEA, "email": "ana@client.test"})
    new = visitor(alpha).post("/portal/register/", BEA)

    assert known.status_code == new.status_code == 200
    assert known.content == new.content
    sign_in_mail, confirm_mail = mailoutbox
    assert sign_in_mail.to == ["ana@client.test"]
    assert "/portal/open/" in sign_in_mail.body and "/portal/register/" not in sign_in_mail.body
    assert confirm_mail.to == ["bea@new.test"]
    assert clients_of(alpha) == [ana]
    with schema_context(alpha.schema_name):
        assert [r.email for r in PortalRegistration.objects.all()] == ["bea@new.test"]


def test_the_request_queues_the_same_work_for_known_and_new_addresses(alpha, monkeypatch):
    """Whether the address is a client's is the worker's question, not the page's."""
    from client_portal.tasks import email_registration_link

    queued = []
    monkeypatch.setattr(email_registration_link, "delay", lambda *args: queued.append(args))
    open_registration(alpha)
    make_client(alpha, email="ana@client.test")

    visitor(alpha).post("/portal/register/", {**BEA, "email": "ana@client.test"})
    visitor(alpha).post("/portal/register/", BEA)

    assert [(schema, details["email"]) for schema, details in queued] == [
        (alpha.schema_name, "ana@client.test"),
        (alpha.schema_name, "bea@new.test"),
    ]


def test_a_used_link_is_refused_elsewhere_and_makes_no_second_client(alpha, mailoutbox):
    open_registration(alpha)
    link = registered(alpha, mailoutbox)
    first = browser(alpha)
    first.get(link)

    again = first.get(link)
    elsewhere = browser(alpha).get(link)

    assert again["Location"] == "/portal/"  # the browser it signed in goes on
    assert elsewhere.status_code == 410
    assert "This link cannot be used" in elsewhere.content.decode()
    assert 'href="/portal/register/"' in elsewhere.content.decode()
    assert len(clients_of(alpha)) == 1


def test_two_links_of_one_address_make_one_client(alpha, mailoutbox):
    open_registration(alpha)
    first, second = registered(alpha, mailoutbox), registered(alpha, mailoutbox)

    browser(alpha).get(first)
    landed = browser(alpha).get(second, follow=True)

    [bea] = clients_of(alpha)
    assert "Bea Newcomer" in landed.content.decode()
    with schema_context(alpha.schema_name):
        assert {r.client_id for r in PortalRegistration.objects.all()} == {bea.pk}


def test_a_client_added_meanwhile_with_the_address_is_signed_in_not_copied(alpha, mailoutbox):
    open_registration(alpha)
    link = registered(alpha, mailoutbox)
    staff_made = make_client(alpha, "Bea From The Office", email="BEA@new.test")

    landed = browser(alpha).get(link, follow=True)

    assert clients_of(alpha) == [staff_made]
    assert "Bea From The Office" in landed.content.decode()


def test_an_expired_link_is_refused(alpha, mailoutbox):
    open_registration(alpha)
    link = registered(alpha, mailoutbox)
    with schema_context(alpha.schema_name):
        PortalRegistration.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert browser(alpha).get(link).status_code == 410
    assert clients_of(alpha) == []


def test_a_tampered_link_or_another_accounts_link_is_refused(alpha, beta, mailoutbox):
    open_registration(alpha)
    open_registration(beta)
    link = registered(alpha, mailoutbox)
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]

    assert browser(alpha).get(tampered).status_code == 404
    assert browser(beta).get(link).status_code == 404
    assert clients_of(alpha) == clients_of(beta) == []


def test_pending_links_are_refused_once_registration_is_switched_off(alpha, mailoutbox):
    open_registration(alpha)
    link = registered(alpha, mailoutbox)
    open_registration(alpha, enabled=False)

    refused = browser(alpha).get(link)

    assert refused.status_code == 404
    assert "Registration is closed." in refused.content.decode()
    assert clients_of(alpha) == []


def test_registrations_are_limited_per_address_with_the_sign_in_pages_counter(
    alpha, mailoutbox, monkeypatch
):
    monkeypatch.setattr(sign_in, "_now", lambda: 1_800_000_000.0 + 450)  # one window
    open_registration(alpha)

    visitor(alpha).post("/portal/sign-in/", {"email": "bea@new.test"})
    answers = [visitor(alpha).post("/portal/register/", BEA) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert "Too many attempts, try again in" in answers[-1].content.decode()
    assert len(mailoutbox) == 2


@pytest.mark.parametrize(
    "change",
    [
        {"name": "B" * 201},
        {"name": "Bea\r\nBcc: victim@example.com"},
        {"company": "Bea\x07Studio"},
        {"email": "bea@new.test\r\nBcc: victim@example.com"},
        {"email": "b" * 250 + "@new.test"},
        {"mobile": "12"},
        {"language": "xx"},
    ],
)
def test_hostile_details_are_refused_with_a_form_error_and_create_nothing(
    alpha, mailoutbox, change
):
    open_registration(alpha)

    response = visitor(alpha).post("/portal/register/", {**BEA, **change})

    assert response.status_code == 200
    assert 'class="field__error"' in response.content.decode()
    assert ANSWER not in response.content.decode()
    assert mailoutbox == []
    with schema_context(alpha.schema_name):
        assert not PortalRegistration.objects.exists()


def test_only_billing_administrators_may_change_the_setting(alpha):
    emma = make_member(alpha, "emma@alpha.example")
    with schema_context(alpha.schema_name):
        grant_access(emma, granted_by=owner_of(alpha))
    employee = client_on(alpha, emma)

    assert employee.get("/settings/client-portal/").status_code == 403
    assert (
        employee.post("/settings/client-portal/", {"registration_enabled": "on"}).status_code == 403
    )
    assert visitor(alpha).get("/settings/client-portal/").status_code == 302  # to sign in
    with schema_context(alpha.schema_name):
        assert not PortalSettings.read().registration_enabled


def test_an_administrator_switches_registration_on_and_off(alpha):
    owner = client_on(alpha, owner_of(alpha))
    assert "/settings/client-portal/" in owner.get("/billing/settings/").content.decode()

    switched_on = owner.post(
        "/settings/client-portal/", {"registration_enabled": "on"}, follow=True
    )

    assert "Registration is on" in switched_on.content.decode()
    assert f"http://{alpha.host}/portal/register/" in switched_on.content.decode()
    assert visitor(alpha).get("/portal/register/").status_code == 200
    switched_off = owner.post("/settings/client-portal/", {}, follow=True)
    assert "/portal/register/" not in switched_off.content.decode()
    assert visitor(alpha).get("/portal/register/").status_code == 404
    with schema_context(alpha.schema_name):
        assert PortalSettings.objects.count() == 1
