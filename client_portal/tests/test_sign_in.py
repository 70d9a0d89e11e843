"""The portal's sign-in page: a link by email, the same answer for every address."""

import uuid

from django_tenants.utils import schema_context

from client_portal import sign_in
from client_portal.models import PortalLink
from client_portal.tests.conftest import browser, make_client, portal_links_in, signed_in
from notifications.models import Message

ANSWER = "If this address is known, a link is on its way."


def visitor(tenant):
    """A browser from an address no other test uses (limits are counted per IP)."""
    ip = "10." + ".".join(str(b) for b in uuid.uuid4().bytes[:3])
    return browser(tenant, REMOTE_ADDR=ip)


def test_the_page_asks_for_an_email_address(alpha):
    response = visitor(alpha).get("/portal/sign-in/")

    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()
    assert "Email me a sign-in link" in response.content.decode()


def test_a_clients_address_gets_a_link_that_signs_in(alpha, mailoutbox):
    ana = make_client(alpha)

    response = visitor(alpha).post("/portal/sign-in/", {"email": "ANA@client.test"})

    assert ANSWER in response.content.decode()
    [mail] = mailoutbox
    assert mail.to == ["ana@client.test"]
    assert "portal" in mail.subject
    [link] = portal_links_in(mail)
    landed = browser(alpha).get(link, follow=True)
    assert landed.redirect_chain[-1][0] == "/portal/invoices/"
    assert "Ana Client" in landed.content.decode()
    with schema_context(alpha.schema_name):
        assert PortalLink.objects.get().client == ana
        assert Message.objects.filter(purpose="portal.sign_in", client_id=ana.pk).count() == 1


def test_known_and_unknown_addresses_get_the_same_answer(alpha, mailoutbox):
    make_client(alpha)

    known = visitor(alpha).post("/portal/sign-in/", {"email": "ana@client.test"})
    unknown = visitor(alpha).post("/portal/sign-in/", {"email": "nobody@client.test"})

    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert [mail.to for mail in mailoutbox] == [["ana@client.test"]]
    with schema_context(alpha.schema_name):
        assert Message.objects.filter(purpose="portal.sign_in").count() == 1


def test_the_request_queues_the_same_work_for_known_and_unknown_addresses(alpha, monkeypatch):
    """The look-up is the worker's: the page queues one task whatever the address."""
    from client_portal.tasks import email_sign_in_link

    queued = []
    monkeypatch.setattr(email_sign_in_link, "delay", lambda *args: queued.append(args))
    make_client(alpha)

    visitor(alpha).post("/portal/sign-in/", {"email": "ana@client.test"})
    visitor(alpha).post("/portal/sign-in/", {"email": "nobody@client.test"})

    assert queued == [
        (alpha.schema_name, "ana@client.test"),
        (alpha.schema_name, "nobody@client.test"),
    ]


def test_a_client_of_another_account_gets_nothing_here(alpha, beta, mailoutbox):
    make_client(beta, email="bea@client.test")

    response = visitor(alpha).post("/portal/sign-in/", {"email": "bea@client.test"})

    assert ANSWER in response.content.decode()
    assert mailoutbox == []


def test_an_address_shared_by_two_clients_signs_in_as_the_newest(alpha, mailoutbox):
    make_client(alpha, "Ana Old Company", email="ana@client.test")
    newest = make_client(alpha, "Ana New Company", email="ana@client.test")

    visitor(alpha).post("/portal/sign-in/", {"email": "ana@client.test"})

    [link] = portal_links_in(mailoutbox[0])
    landed = browser(alpha).get(link, follow=True)
    assert newest.name in landed.content.decode()


def test_requests_per_address_are_limited(alpha, mailoutbox, monkeypatch):
    monkeypatch.setattr(sign_in, "_now", lambda: 1_800_000_000.0 + 450)  # one window
    make_client(alpha)

    answers = [
        visitor(alpha).post("/portal/sign-in/", {"email": "ana@client.test"}) for _ in range(4)
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert "Too many attempts, try again in" in answers[-1].content.decode()
    assert len(mailoutbox) == 3


def test_requests_per_ip_are_limited_whatever_the_address(alpha, monkeypatch):
    # In the middle of one window: requests that straddled two would be counted apart.
    monkeypatch.setattr(sign_in, "_now", lambda: 1_800_000_000.0 + 450)
    page = visitor(alpha)

    answers = [page.post("/portal/sign-in/", {"email": f"n{i}@client.test"}) for i in range(21)]

    assert {answer.status_code for answer in answers[:20]} == {200}
    assert answers[20].status_code == 429
    assert "minutes" in answers[20].content.decode()


def test_a_signed_in_client_goes_straight_to_its_portal(alpha):
    ana = make_client(alpha)

    response = signed_in(alpha, ana).get("/portal/sign-in/")

    assert response["Location"] == "/portal/"
