"""Billing admins invite people by email; the link lets them join the account once."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member, owner_of
from tenants.members.models import Invitation, Role, User

ACCEPT_LINK = re.compile(r"http://alpha\.localhost(/accounts/invitations/[\w-]+/)")
NEW_PASSWORD = "plum-orchard-lantern-42"


def invite(client, email, role=Role.EMPLOYEE):
    return client.post("/accounts/employees/", {"email": email, "role": role})


def accept_path(message) -> str:
    return ACCEPT_LINK.search(message.body)[1]


def invitations_to(tenant, email):
    with schema_context(tenant.schema_name):
        return list(Invitation.objects.filter(email=email))


def member(tenant, email):
    with schema_context(tenant.schema_name):
        return User.objects.filter(email=email).first()


@pytest.fixture
def owner_client(alpha):
    return client_on(alpha, owner_of(alpha))


@pytest.fixture
def invited(owner_client, mailoutbox):
    """An invitation to new@example.com in alpha, and the path of its accept link."""
    invite(owner_client, "new@example.com")
    return accept_path(mailoutbox[-1])


def test_an_admin_invites_by_email_with_a_link_on_the_accounts_host(
    owner_client, alpha, mailoutbox
):
    response = invite(owner_client, "New.Person@Example.com")

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["new.person@example.com"]
    assert "Alpha Owner invited you to join Alpha Studio" in message.subject
    assert ACCEPT_LINK.search(message.body)
    assert ACCEPT_LINK.search(message.alternatives[0][0])
    [invitation] = invitations_to(alpha, "new.person@example.com")
    assert invitation.role == Role.EMPLOYEE
    page = owner_client.get("/accounts/employees/").content.decode()
    assert "Pending invitations" in page and "new.person@example.com" in page


def test_the_success_message_names_the_invited_address(owner_client, mailoutbox):
    response = invite(owner_client, "new@example.com")

    page = owner_client.get(response["Location"]).content.decode()
    assert "Invitation sent to new@example.com." in page


def test_the_link_stores_only_a_hash_of_its_token(alpha, invited):
    token = invited.rstrip("/").rsplit("/", 1)[1]

    [invitation] = invitations_to(alpha, "new@example.com")

    assert token not in invitation.token_hash


def test_the_accept_link_shows_the_form(alpha, invited):
    response = client_on(alpha).get(invited)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Join Alpha Studio" in text
    assert "new@example.com" in text
    assert "Employee" in text


def test_accepting_creates_the_member_and_signs_them_in(alpha, invited):
    client = client_on(alpha)

    response = client.post(
        invited, {"full_name": "Nina New", "password": NEW_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/"
    assert b"Welcome aboard, Nina New!" in response.content
    assert b"Hello, Nina New" in response.content
    user = member(alpha, "new@example.com")
    assert user.role == Role.EMPLOYEE
    assert user.full_name == "Nina New"
    assert user.check_password(NEW_PASSWORD)
    [invitation] = invitations_to(alpha, "new@example.com")
    assert invitation.accepted_at is not None
    assert invitation.user_id == user.pk


def test_accepting_gives_the_invited_role(owner_client, alpha, mailoutbox):
    invite(owner_client, "admin@example.com", Role.SUPERUSER)

    client_on(alpha).post(
        accept_path(mailoutbox[-1]), {"full_name": "Sam Super", "password": NEW_PASSWORD}
    )

    assert member(alpha, "admin@example.com").role == Role.SUPERUSER


def test_the_new_member_can_sign_in_with_their_password(alpha, invited):
    client_on(alpha).post(invited, {"full_name": "Nina New", "password": NEW_PASSWORD})

    response = client_on(alpha).post(
        "/accounts/login/", {"username": "new@example.com", "password": NEW_PASSWORD}
    )

    assert response.status_code == 302


def test_the_link_cannot_be_used_twice(alpha, invited):
    client_on(alpha).post(invited, {"full_name": "Nina New", "password": NEW_PASSWORD})

    again = client_on(alpha)
    response = again.post(invited, {"full_name": "Someone Else", "password": NEW_PASSWORD})

    assert response.status_code == 410
    assert b"This invitation was already accepted. Sign in instead." in response.content
    assert member(alpha, "new@example.com").full_name == "Nina New"
    assert again.get("/").status_code == 302
    assert client_on(alpha).get(invited).status_code == 410


def test_the_link_does_not_work_on_another_accounts_host(alpha, beta, invited):
    response = client_on(beta).post(invited, {"full_name": "Nina New", "password": NEW_PASSWORD})

    assert response.status_code == 410
    assert b"This invitation link is not valid" in response.content
    assert member(beta, "new@example.com") is None
    assert member(alpha, "new@example.com") is None


def test_a_made_up_link_is_refused(alpha):
    response = client_on(alpha).get("/accounts/invitations/not-a-real-token/")

    assert response.status_code == 410
    assert b"This invitation link is not valid. Ask your administrator for a new one." in (
        response.content
    )


def test_an_expired_invitation_is_refused_and_creates_nothing(alpha, invited):
    with schema_context(alpha.schema_name):
        Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client = client_on(alpha)

    shown = client.get(invited)
    posted = client.post(invited, {"full_name": "Nina New", "password": NEW_PASSWORD})

    for response in (shown, posted):
        assert response.status_code == 410
        assert b"This invitation has expired. Ask your administrator to send a new one." in (
            response.content
        )
    assert member(alpha, "new@example.com") is None


def test_an_expired_invitation_does_not_block_a_new_one(owner_client, alpha, invited, mailoutbox):
    with schema_context(alpha.schema_name):
        Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    response = invite(owner_client, "new@example.com")

    assert response.status_code == 302
    assert len(mailoutbox) == 2
    client_on(alpha).post(
        accept_path(mailoutbox[-1]), {"full_name": "Nina New", "password": NEW_PASSWORD}
    )
    assert member(alpha, "new@example.com") is not None


def test_a_revoked_invitation_is_refused(owner_client, alpha, invited):
    [invitation] = invitations_to(alpha, "new@example.com")

    revoked = owner_client.post(
        f"/accounts/employees/invitations/{invitation.pk}/revoke/", follow=True
    )
    response = client_on(alpha).post(invited, {"full_name": "Nina New", "password": NEW_PASSWORD})

    assert b"The invitation to new@example.com was revoked." in revoked.content
    assert response.status_code == 410
    assert b"This invitation link is not valid" in response.content
    assert member(alpha, "new@example.com") is None


def test_after_revoking_the_address_can_be_invited_again(owner_client, alpha, invited, mailoutbox):
    [invitation] = invitations_to(alpha, "new@example.com")
    owner_client.post(f"/accounts/employees/invitations/{invitation.pk}/revoke/")

    response = invite(owner_client, "new@example.com")

    assert response.status_code == 302
    assert len(mailoutbox) == 2
    assert accept_path(mailoutbox[-1]) != invited


def test_inviting_an_existing_member_is_refused_without_email(owner_client, alpha, mailoutbox):
    make_member(alpha, "already@example.com")

    response = invite(owner_client, "Already@Example.com")

    assert response.status_code == 400
    assert b"already@example.com is already a member of this account." in response.content
    assert mailoutbox == []
    assert invitations_to(alpha, "already@example.com") == []


def test_inviting_an_address_with_a_pending_invitation_is_refused_without_email(
    owner_client, alpha, invited, mailoutbox
):
    response = invite(owner_client, "new@example.com")

    assert response.status_code == 400
    assert (
        b"new@example.com already has a pending invitation. Revoke it to send a new one."
        in response.content
    )
    assert len(mailoutbox) == 1
    assert len(invitations_to(alpha, "new@example.com")) == 1


def test_a_weak_password_is_refused_with_a_message(alpha, invited):
    response = client_on(alpha).post(invited, {"full_name": "Nina New", "password": "short"})

    assert response.status_code == 200
    assert b"This password is too short." in response.content
    assert member(alpha, "new@example.com") is None
    [invitation] = invitations_to(alpha, "new@example.com")
    assert invitation.accepted_at is None


def test_accepting_when_the_address_became_a_member_meanwhile_is_refused(alpha, invited):
    make_member(alpha, "new@example.com", full_name="Already Here")

    response = client_on(alpha).post(invited, {"full_name": "Nina New", "password": NEW_PASSWORD})

    assert response.status_code == 200
    assert b"This email already belongs to a member. Sign in instead." in response.content
    assert member(alpha, "new@example.com").full_name == "Already Here"


def test_an_employee_cannot_see_the_employees_page(alpha):
    employee = make_member(alpha, "employee@example.com", Role.EMPLOYEE)

    response = client_on(alpha, employee).get("/accounts/employees/")

    assert response.status_code == 403


def test_an_employee_cannot_invite(alpha, mailoutbox):
    employee = make_member(alpha, "employee@example.com", Role.EMPLOYEE)

    response = invite(client_on(alpha, employee), "friend@example.com")

    assert response.status_code == 403
    assert mailoutbox == []
    assert invitations_to(alpha, "friend@example.com") == []


def test_an_anonymous_visitor_is_sent_to_sign_in(alpha, mailoutbox):
    response = invite(client_on(alpha), "friend@example.com")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert mailoutbox == []


@pytest.mark.parametrize("role", [Role.SUPERUSER, Role.ADMIN_MANAGE_EMPLOYEES])
def test_a_non_owner_admin_can_invite_an_employee(alpha, mailoutbox, role):
    admin = make_member(alpha, "admin@example.com", role)

    response = invite(client_on(alpha, admin), "friend@example.com")

    assert response.status_code == 302
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("role", [Role.SUPERUSER, Role.ADMIN_MANAGE_EMPLOYEES])
def test_a_non_owner_admin_cannot_invite_an_account_owner(alpha, mailoutbox, role):
    admin = make_member(alpha, "admin@example.com", role)

    response = invite(client_on(alpha, admin), "boss@example.com", Role.ACCOUNT_OWNER)

    assert response.status_code == 400
    assert b"Only an Account Owner can make someone an Account Owner." in response.content
    assert mailoutbox == []
    assert invitations_to(alpha, "boss@example.com") == []


def test_an_owner_can_invite_another_owner(owner_client, alpha, mailoutbox):
    invite(owner_client, "co-owner@example.com", Role.ACCOUNT_OWNER)

    client_on(alpha).post(
        accept_path(mailoutbox[-1]), {"full_name": "Co Owner", "password": NEW_PASSWORD}
    )

    assert member(alpha, "co-owner@example.com").role == Role.ACCOUNT_OWNER


def test_an_invalid_email_is_refused(owner_client, mailoutbox):
    response = invite(owner_client, "not-an-email")

    assert response.status_code == 400
    assert b"Enter a valid email address." in response.content
    assert mailoutbox == []
