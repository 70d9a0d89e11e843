"""Sessions (billing_saas/sessions.py): the row of the cookie, in the account's own table, read
afresh at every request, with its member's row once the process knows whose it is; a
signed-out, expired or unknown session signs no one in."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas import sessions
from billing_saas.sessions import SessionStore
from billing_saas.testing.fixtures import client_on, make_member, owner_of
from tenants.members.models import User


def signed_in(browser) -> bool:
    return browser.get("/").status_code == 200


def test_the_settings_use_this_store_in_the_database():
    assert settings.SESSION_ENGINE == "billing_saas.sessions"


def test_it_reads_what_djangos_store_reads(alpha):
    browser = client_on(alpha, owner_of(alpha))
    key = browser.cookies["sessionid"].value
    with schema_context(alpha.schema_name):
        data = SessionStore(key).load()
        assert data == db.SessionStore(key).load()
        assert data["_auth_user_id"] == str(owner_of(alpha).pk)


def test_a_signed_out_session_is_refused(alpha):
    browser = client_on(alpha, owner_of(alpha))
    key = browser.cookies["sessionid"].value
    browser.post("/accounts/logout/")

    replayed = client_on(alpha)
    replayed.cookies["sessionid"] = key
    assert not signed_in(replayed)


def test_an_expired_session_is_refused(alpha):
    browser = client_on(alpha, owner_of(alpha))
    assert signed_in(browser)
    with schema_context(alpha.schema_name):
        Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert not signed_in(browser)


def test_an_unknown_key_is_never_adopted(alpha):
    """A key the server did not issue (a planted cookie) gets replaced when the session is
    saved, as Django's store does: no one can fix a victim's session key in advance."""
    planted = "plantedbyanattacker0123456789abc"
    with schema_context(alpha.schema_name):
        store = SessionStore(planted)
        assert store.load() == {}
        store["seen"] = True
        store.save()
        assert store.session_key != planted
        assert not Session.objects.filter(session_key=planted).exists()


def test_a_session_of_alpha_is_unknown_on_beta(alpha, beta):
    """Each account reads its own table (the cookie replayed on another account's host is
    tested in tenants/tests/test_isolation.py)."""
    key = client_on(alpha, owner_of(alpha)).cookies["sessionid"].value
    with schema_context(beta.schema_name):
        assert SessionStore(key).load() == {}
    with schema_context(alpha.schema_name):
        assert SessionStore(key).load() != {}


# ---- the member's row read with the session -----------------------------------------------
def queries_of(browser, path="/"):
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(path)
    return response, [query["sql"] for query in captured.captured_queries]


def test_a_known_session_is_read_with_its_member_in_one_statement(alpha):
    owner = owner_of(alpha)
    browser = client_on(alpha, owner)
    browser.get("/")  # this process learns whose session it is
    response, queries = queries_of(browser)
    assert response.status_code == 200
    assert "Alpha Owner" in response.content.decode()
    with_member = [sql for sql in queries if "django_session" in sql]
    assert len(with_member) == 1 and "members_user" in with_member[0]
    assert not [sql for sql in queries if sql.startswith('SELECT "id", "password"')]


def test_a_wrong_guess_of_the_member_is_never_used(alpha):
    owner = owner_of(alpha)
    other = make_member(alpha, "mia@example.com", full_name="Mia Member")
    browser = client_on(alpha, owner)
    key = browser.cookies["sessionid"].value
    sessions._member_of[(alpha.schema_name, key)] = other.pk  # as if the key had been Mia's

    response, queries = queries_of(browser)
    assert (
        "Alpha Owner" in response.content.decode() and "Mia Member" not in response.content.decode()
    )
    assert sum("members_user" in sql for sql in queries) >= 2  # the owner, read on their own
    assert browser.get("/").status_code == 200  # still signed in


def test_the_row_read_with_a_session_serves_only_its_requests_user_lookup(alpha):
    owner = owner_of(alpha)
    key = client_on(alpha, owner).cookies["sessionid"].value
    with schema_context(alpha.schema_name):
        SessionStore(key).load()  # learns whose session it is
        store = SessionStore(key)
        store.load()
        assert store.member_row is not None
        with CaptureQueriesContext(connection) as captured:
            assert User.objects.get(pk=owner.pk) == owner  # not Django's user lookup
        assert len(captured.captured_queries) == 1
        assert store.member_row is not None


def test_a_row_is_kept_only_for_the_member_the_session_names(alpha):
    owner = owner_of(alpha)
    other = make_member(alpha, "mia@example.com", full_name="Mia Member")
    key = client_on(alpha, owner).cookies["sessionid"].value
    with schema_context(alpha.schema_name):
        sessions._member_of[(alpha.schema_name, key)] = other.pk
        store = SessionStore(key)
        assert store.load()["_auth_user_id"] == str(owner.pk)
        assert store.member_row is None  # Mia's row was read, and dropped

        store.member_row = (alpha.schema_name, other.pk, ("any",))
        token = sessions._session_of_this_user_lookup.set(store)
        try:
            assert sessions.user_row_read_with_the_session(connection, owner.pk) is None
            assert sessions.user_row_read_with_the_session(connection, other.pk) == ("any",)
            assert sessions.user_row_read_with_the_session(connection, other.pk) is None  # once
        finally:
            sessions._session_of_this_user_lookup.reset(token)
