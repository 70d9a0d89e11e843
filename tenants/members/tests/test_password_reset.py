"""Members reset a forgotten password by email; the profile page changes name and password."""

import re

from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import PASSWORD, client_on, make_member
from tenants.members.models import User
from tenants.members.tokens import account_password_reset_token

RESET_LINK = re.compile(
    r"http://(?P<host>[a-z0-9-]+\.localhost)(?P<path>/accounts/password-reset/\S+/)"
)
NEW_PASSWORD = "violet-harbour-compass-77"
CHECK_YOUR_EMAIL = b"Check your email"
LINK_EXPIRED = b"This link no longer works"


def request_reset(tenant, email):
    return client_on(tenant).post("/accounts/password-reset/", {"email": email}, follow=True)


def set_new_password(client, path, password=NEW_PASSWORD):
    """Follow a reset link (which moves the token into the session) and choose a password."""
    form = client.get(path, follow=True)
    return client.post(
        form.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
        follow=True,
    )


def signs_in(tenant, email, password) -> bool:
    response = client_on(tenant).post("/accounts/login/", {"username": email, "password": password})
    return response.status_code == 302


def reset_path_for(tenant, user) -> str:
    with schema_context(tenant.schema_name):
        token = account_password_reset_token.make_token(user)
    return f"/accounts/password-reset/{urlsafe_base64_encode(force_bytes(user.pk))}/{token}/"


def test_a_member_gets_a_reset_link_on_their_accounts_host(alpha, mailoutbox):
    make_member(alpha, "mia@example.com")

    response = request_reset(alpha, "Mia@Example.com")

    assert CHECK_YOUR_EMAIL in response.content
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["mia@example.com"]
    assert message.subject == "Reset your password"
    assert RESET_LINK.search(message.body)["host"] == "alpha.localhost"
    assert RESET_LINK.search(message.alternatives[0][0])["host"] == "alpha.localhost"


def test_the_link_sets_a_new_password_and_the_old_one_stops_working(alpha, mailoutbox):
    make_member(alpha, "mia@example.com", full_name="Mia Member")
    request_reset(alpha, "mia@example.com")
    client = client_on(alpha)

    response = set_new_password(client, RESET_LINK.search(mailoutbox[0].body)["path"])

    assert b"Your password was saved" in response.content
    assert client.get("/").status_code == 200
    assert signs_in(alpha, "mia@example.com", NEW_PASSWORD)
    assert not signs_in(alpha, "mia@example.com", PASSWORD)


def test_the_link_works_only_once(alpha, mailoutbox):
    make_member(alpha, "mia@example.com")
    request_reset(alpha, "mia@example.com")
    path = RESET_LINK.search(mailoutbox[0].body)["path"]
    set_new_password(client_on(alpha), path)

    response = client_on(alpha).get(path, follow=True)

    assert LINK_EXPIRED in response.content
    assert signs_in(alpha, "mia@example.com", NEW_PASSWORD)


def test_a_weak_new_password_is_refused(alpha, mailoutbox):
    make_member(alpha, "mia@example.com")
    request_reset(alpha, "mia@example.com")

    response = set_new_password(
        client_on(alpha), RESET_LINK.search(mailoutbox[0].body)["path"], password="12345"
    )

    assert b"This password is too short." in response.content
    assert signs_in(alpha, "mia@example.com", PASSWORD)


def test_an_unknown_email_gets_the_same_page_and_no_email(alpha, mailoutbox):
    response = request_reset(alpha, "nobody@example.com")

    assert response.redirect_chain[-1][0] == "/accounts/password-reset/sent/"
    assert CHECK_YOUR_EMAIL in response.content
    assert mailoutbox == []


def test_a_member_of_another_account_gets_no_email(beta, mailoutbox):
    response = request_reset(beta, "owner@alpha.example")

    assert CHECK_YOUR_EMAIL in response.content
    assert mailoutbox == []


def test_a_deactivated_member_gets_no_email(alpha, mailoutbox):
    make_member(alpha, "gone@example.com", is_active=False)

    response = request_reset(alpha, "gone@example.com")

    assert CHECK_YOUR_EMAIL in response.content
    assert mailoutbox == []


def test_a_link_made_in_alpha_does_not_work_for_the_same_user_id_in_beta(alpha, beta):
    """Ids repeat between schemas: the token is bound to the schema it was made in."""
    twin_id = 987_654
    alpha_twin = make_member(alpha, "twin@example.com", id=twin_id)
    make_member(beta, "twin@example.com", id=twin_id)
    with schema_context(beta.schema_name):
        # Same id, email, password hash and last login: only the schema tells them apart.
        User.objects.filter(pk=twin_id).update(password=alpha_twin.password)
    path = reset_path_for(alpha, alpha_twin)

    on_beta = client_on(beta).get(path, follow=True)
    on_alpha = client_on(alpha).get(path, follow=True)

    assert LINK_EXPIRED in on_beta.content
    assert b"Choose a new password" in on_alpha.content
    assert LINK_EXPIRED not in on_alpha.content


def test_the_profile_page_changes_the_name(alpha):
    member = make_member(alpha, "mia@example.com", full_name="Mia Member")
    client = client_on(alpha, member)

    response = client.post(
        "/accounts/profile/", {"form": "profile", "full_name": "Mia Moreau"}, follow=True
    )

    assert b"Your profile was saved." in response.content
    assert b"Mia Moreau" in response.content
    with schema_context(alpha.schema_name):
        assert User.objects.get(pk=member.pk).full_name == "Mia Moreau"


def test_the_profile_page_changes_the_password_and_keeps_you_signed_in(alpha):
    member = make_member(alpha, "mia@example.com")
    client = client_on(alpha, member)

    response = client.post(
        "/accounts/profile/",
        {
            "form": "password",
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )

    assert b"Your password was changed." in response.content
    assert client.get("/").status_code == 200
    assert signs_in(alpha, "mia@example.com", NEW_PASSWORD)
    assert not signs_in(alpha, "mia@example.com", PASSWORD)


def test_the_profile_page_refuses_a_wrong_current_password(alpha):
    member = make_member(alpha, "mia@example.com")
    client = client_on(alpha, member)

    response = client.post(
        "/accounts/profile/",
        {
            "form": "password",
            "old_password": "not-my-password",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert b"Your old password was entered incorrectly." in response.content
    assert signs_in(alpha, "mia@example.com", PASSWORD)


def test_the_profile_page_needs_a_signed_in_member(alpha):
    response = client_on(alpha).get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_thirty_requests_for_one_address_send_one_email(alpha, mailoutbox):
    make_member(alpha, "mia@example.com")

    answers = [request_reset(alpha, "mia@example.com") for _ in range(30)]

    assert len(mailoutbox) == 1
    assert all(CHECK_YOUR_EMAIL in answer.content for answer in answers)


def test_a_throttled_address_gets_the_same_answer_as_an_unknown_one(alpha, mailoutbox):
    make_member(alpha, "mia@example.com")
    request_reset(alpha, "mia@example.com")

    throttled = request_reset(alpha, "mia@example.com")
    unknown = request_reset(alpha, "nobody@example.com")

    assert throttled.redirect_chain == unknown.redirect_chain
    assert without_csrf_token(throttled.content) == without_csrf_token(unknown.content)


def without_csrf_token(page: bytes) -> bytes:
    """The page's forms carry a CSRF token masked anew for every response, by design."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)


def test_the_limit_is_per_address_and_per_account(alpha, beta, mailoutbox):
    make_member(alpha, "mia@example.com")
    make_member(alpha, "max@example.com")
    make_member(beta, "mia@example.com")

    for tenant, email in [(alpha, "mia@example.com"), (alpha, "max@example.com")]:
        request_reset(tenant, email)
    request_reset(beta, "mia@example.com")

    assert sorted(message.to[0] for message in mailoutbox) == [
        "max@example.com",
        "mia@example.com",
        "mia@example.com",
    ]
