"""'Find my account' by email: the links go to the address's owner, the page tells no one."""

import uuid

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import make_member
from tenants import account_links

SENT = "If an account uses this address, we've emailed its links."


@pytest.fixture(autouse=True)
def worker_sends_at_once(monkeypatch):
    """What the worker does with the queued task, done at once (the page never waits for it)."""
    from tenants import tasks

    monkeypatch.setattr(tasks.email_account_links, "delay", tasks.email_account_links)


@pytest.fixture
def visitor(accounts, db) -> Client:
    """A visitor of the root domain from an address no other test uses (limits are per IP)."""
    return Client(HTTP_HOST=settings.BASE_DOMAIN, REMOTE_ADDR=random_ip())


def random_ip() -> str:
    return "10." + ".".join(str(b) for b in uuid.uuid4().bytes[:3])


def unique_email(name: str = "kim") -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


def ask_for_links(client: Client, email: str):
    return client.post("/sign-in/links/", {"email": email}, follow=True)


def test_the_sign_in_page_offers_to_email_the_links(visitor):
    response = visitor.get("/sign-in/")

    assert b'name="subdomain"' in response.content
    assert b'name="email"' in response.content
    assert b"Email me my sign-in links" in response.content


def test_a_member_gets_their_accounts_sign_in_link(visitor, alpha, mailoutbox):
    email = unique_email()
    make_member(alpha, email)

    response = ask_for_links(visitor, email.upper())

    assert response.redirect_chain == [("/sign-in/links/sent/", 302)]
    assert SENT in response.content.decode()
    [mail] = mailoutbox
    assert mail.to == [email]
    assert mail.subject == "Your sign-in links"
    assert "Alpha Studio\nhttp://alpha.localhost/accounts/login/" in mail.body
    assert 'href="http://alpha.localhost/accounts/login/"' in mail.alternatives[0][0]


def test_a_member_of_two_accounts_gets_both_links(visitor, alpha, beta, mailoutbox):
    email = unique_email()
    make_member(alpha, email)
    make_member(beta, email)

    ask_for_links(visitor, email)

    [mail] = mailoutbox
    assert "http://alpha.localhost/accounts/login/" in mail.body
    assert "http://beta.localhost/accounts/login/" in mail.body


def test_an_unknown_address_gets_the_same_page_and_no_email(visitor, mailoutbox):
    response = ask_for_links(visitor, unique_email("nobody"))

    assert response.redirect_chain == [("/sign-in/links/sent/", 302)]
    assert SENT in response.content.decode()
    assert mailoutbox == []


def test_a_deactivated_member_gets_no_link(visitor, alpha, mailoutbox):
    email = unique_email()
    make_member(alpha, email, is_active=False)

    response = ask_for_links(visitor, email)

    assert SENT in response.content.decode()
    assert mailoutbox == []


def test_an_address_asking_too_often_gets_no_more_emails_and_the_same_page(
    visitor, alpha, mailoutbox
):
    email = unique_email()
    make_member(alpha, email)

    for _ in range(account_links.LINKS_PER_ADDRESS):
        ask_for_links(visitor, email)
    response = ask_for_links(visitor, email)

    assert len(mailoutbox) == account_links.LINKS_PER_ADDRESS
    assert SENT in response.content.decode()


def test_an_ip_probing_many_addresses_is_stopped(visitor, alpha, mailoutbox):
    for _ in range(account_links.LINKS_PER_IP):
        ask_for_links(visitor, unique_email("probe"))
    email = unique_email()
    make_member(alpha, email)

    response = ask_for_links(visitor, email)

    assert SENT in response.content.decode()
    assert mailoutbox == []


def test_the_limits_are_counted_once_for_all_hosts(alpha, mailoutbox, monkeypatch):
    email = unique_email()
    make_member(alpha, email)
    monkeypatch.setattr(account_links, "LINKS_PER_ADDRESS", 1)

    assert account_links.request_account_links(email, client_ip="10.250.0.1")
    with schema_context(alpha.schema_name):  # cache keys carry the current schema's name
        assert not account_links.request_account_links(email, client_ip="10.250.0.2")

    assert len(mailoutbox) == 1


def test_a_malformed_address_is_refused_on_the_page(visitor, mailoutbox):
    response = visitor.post("/sign-in/links/", {"email": "not an address"})

    assert response.status_code == 400
    assert b"Enter a valid email address." in response.content
    assert mailoutbox == []


def test_behind_the_production_proxy_each_client_has_its_own_limit(alpha, mailoutbox, settings):
    settings.TRUST_X_FORWARDED_FOR = True  # on in production, behind its proxy
    proxy = Client(HTTP_HOST=settings.BASE_DOMAIN, REMOTE_ADDR="10.0.0.1")
    # The proxy appends the client's address; what the client sent before it is not trusted.
    prober, member = f"198.51.100.7, {random_ip()}", f"198.51.100.7, {random_ip()}"
    for _ in range(account_links.LINKS_PER_IP):
        proxy.post("/sign-in/links/", {"email": unique_email("probe")}, HTTP_X_FORWARDED_FOR=prober)
    email = unique_email()
    make_member(alpha, email)

    proxy.post("/sign-in/links/", {"email": email}, HTTP_X_FORWARDED_FOR=member)

    assert len(mailoutbox) == 1


def test_the_page_answers_without_looking_the_address_up(visitor, alpha, monkeypatch):
    """The look-up and the email happen in the worker: a known address cannot be told from an
    unknown one by how long the page takes."""
    from tenants import tasks

    queued = []
    monkeypatch.setattr(tasks.email_account_links, "delay", lambda *args: queued.append(args))
    monkeypatch.setattr(account_links, "accounts_of", lambda email: pytest.fail("looked up"))
    email = unique_email()
    make_member(alpha, email)

    response = ask_for_links(visitor, email)

    assert SENT in response.content.decode()
    assert queued == [(email, "en")]  # the email goes out in the page's language
