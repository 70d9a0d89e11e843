"""Admins change members' roles and (de)activate them; an account always keeps an active owner."""

import pytest
from django.contrib.sessions.models import Session
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import PASSWORD, client_on, make_member, owner_of
from tenants.members.models import Role, User

LAST_OWNER = b"The account must keep at least one active Account Owner."
EMPLOYEES_LINK = 'href="/accounts/employees/"'


def refreshed(tenant, user) -> User:
    with schema_context(tenant.schema_name):
        return User.objects.get(pk=user.pk)


def set_role(client, user, role):
    return client.post(f"/accounts/employees/{user.pk}/role/", {"role": role}, follow=True)


def deactivate(client, user):
    return client.post(f"/accounts/employees/{user.pk}/deactivate/", follow=True)


def reactivate(client, user):
    return client.post(f"/accounts/employees/{user.pk}/reactivate/", follow=True)


def sign_in(tenant, user):
    return client_on(tenant).post(
        "/accounts/login/", {"username": user.email, "password": PASSWORD}
    )


@pytest.fixture
def owner(alpha):
    return owner_of(alpha)


@pytest.fixture
def owner_client(alpha, owner):
    return client_on(alpha, owner)


@pytest.fixture
def employee(alpha):
    return make_member(alpha, "erin@example.com", Role.EMPLOYEE, full_name="Erin Employee")


def test_the_owner_changes_an_employees_role(alpha, owner_client, employee):
    response = set_role(owner_client, employee, Role.SUPERUSER)

    assert response.redirect_chain[-1][0] == "/accounts/employees/"
    assert b"Erin Employee is now SuperUser." in response.content
    assert refreshed(alpha, employee).role == Role.SUPERUSER


def test_the_new_role_takes_effect_for_the_member(alpha, owner_client, employee):
    employee_client = client_on(alpha, employee)
    assert employee_client.get("/accounts/employees/").status_code == 403

    set_role(owner_client, employee, Role.ADMIN_MANAGE_EMPLOYEES)

    assert employee_client.get("/accounts/employees/").status_code == 200


def test_an_unknown_role_is_refused(alpha, owner_client, employee):
    response = set_role(owner_client, employee, "emperor")

    assert b"Unknown role." in response.content
    assert refreshed(alpha, employee).role == Role.EMPLOYEE


def test_the_last_active_owner_cannot_demote_themselves(alpha, owner, owner_client):
    response = set_role(owner_client, owner, Role.SUPERUSER)

    assert LAST_OWNER in response.content
    assert refreshed(alpha, owner).role == Role.ACCOUNT_OWNER


def test_an_inactive_second_owner_does_not_count_as_an_active_owner(alpha, owner, owner_client):
    make_member(alpha, "gone@example.com", Role.ACCOUNT_OWNER, is_active=False)

    response = set_role(owner_client, owner, Role.EMPLOYEE)

    assert LAST_OWNER in response.content
    assert refreshed(alpha, owner).role == Role.ACCOUNT_OWNER


def test_the_owner_cannot_deactivate_themselves(alpha, owner, owner_client):
    response = deactivate(owner_client, owner)

    assert b"You cannot deactivate yourself." in response.content
    assert refreshed(alpha, owner).is_active
    assert owner_client.get("/").status_code == 200


def test_with_two_owners_one_can_demote_the_other(alpha, owner, owner_client):
    second = make_member(alpha, "second@example.com", Role.ACCOUNT_OWNER)

    response = set_role(owner_client, second, Role.EMPLOYEE)

    assert b"is now Employee." in response.content
    assert refreshed(alpha, second).role == Role.EMPLOYEE


def test_with_two_owners_an_owner_can_step_down(alpha, owner, owner_client):
    make_member(alpha, "second@example.com", Role.ACCOUNT_OWNER)

    set_role(owner_client, owner, Role.SUPERUSER)

    assert refreshed(alpha, owner).role == Role.SUPERUSER


def test_with_two_owners_one_can_deactivate_the_other(alpha, owner_client):
    second = make_member(alpha, "second@example.com", Role.ACCOUNT_OWNER)

    response = deactivate(owner_client, second)

    assert b"was deactivated." in response.content
    assert not refreshed(alpha, second).is_active


@pytest.mark.parametrize("role", [Role.SUPERUSER, Role.ADMIN_MANAGE_EMPLOYEES])
def test_a_non_owner_admin_cannot_change_an_owners_role(alpha, owner, role):
    admin = make_member(alpha, "admin@example.com", role)

    response = set_role(client_on(alpha, admin), owner, Role.EMPLOYEE)

    assert b"Only an Account Owner can change an Account Owner&#x27;s role." in response.content
    assert refreshed(alpha, owner).role == Role.ACCOUNT_OWNER


@pytest.mark.parametrize("role", [Role.SUPERUSER, Role.ADMIN_MANAGE_EMPLOYEES])
def test_a_non_owner_admin_cannot_deactivate_an_owner(alpha, owner, role):
    admin = make_member(alpha, "admin@example.com", role)

    response = deactivate(client_on(alpha, admin), owner)

    assert (
        b"Only an Account Owner can deactivate or reactivate an Account Owner." in response.content
    )
    assert refreshed(alpha, owner).is_active


def test_a_non_owner_admin_cannot_make_anyone_an_owner(alpha, employee):
    admin = make_member(alpha, "admin@example.com", Role.SUPERUSER)

    response = set_role(client_on(alpha, admin), employee, Role.ACCOUNT_OWNER)

    assert b"Only an Account Owner can make someone an Account Owner." in response.content
    assert refreshed(alpha, employee).role == Role.EMPLOYEE


@pytest.mark.parametrize("target_role", [Role.ACCOUNT_OWNER, Role.SUPERUSER])
def test_a_non_owner_admin_cannot_change_their_own_role(alpha, target_role):
    admin = make_member(alpha, "admin@example.com", Role.ADMIN_MANAGE_EMPLOYEES)

    response = set_role(client_on(alpha, admin), admin, target_role)

    assert b"Ask an Account Owner to change your own role." in response.content
    assert refreshed(alpha, admin).role == Role.ADMIN_MANAGE_EMPLOYEES


def test_a_non_owner_admin_can_change_an_employees_role(alpha, employee):
    admin = make_member(alpha, "admin@example.com", Role.ADMIN_MANAGE_EMPLOYEES)

    set_role(client_on(alpha, admin), employee, Role.SUPERUSER)

    assert refreshed(alpha, employee).role == Role.SUPERUSER


def test_an_employee_cannot_change_roles_or_deactivate(alpha, owner, employee):
    employee_client = client_on(alpha, employee)

    role_response = employee_client.post(
        f"/accounts/employees/{employee.pk}/role/", {"role": Role.ACCOUNT_OWNER}
    )
    deactivate_response = employee_client.post(f"/accounts/employees/{owner.pk}/deactivate/")

    assert role_response.status_code == 403
    assert deactivate_response.status_code == 403
    assert refreshed(alpha, employee).role == Role.EMPLOYEE
    assert refreshed(alpha, owner).is_active


def test_deactivating_a_member_ends_their_sessions(alpha, owner_client, employee):
    employee_client = client_on(alpha, employee)
    assert employee_client.get("/").status_code == 200
    session_key = employee_client.cookies["sessionid"].value

    response = deactivate(owner_client, employee)

    assert b"Erin Employee was deactivated." in response.content
    with schema_context(alpha.schema_name):
        assert not Session.objects.filter(session_key=session_key).exists()
    after = employee_client.get("/")
    assert after.status_code == 302
    assert after["Location"].startswith("/accounts/login/")


def test_deactivating_a_member_keeps_other_sessions(alpha, owner_client, employee):
    other = make_member(alpha, "other@example.com")
    other_client = client_on(alpha, other)

    deactivate(owner_client, employee)

    assert other_client.get("/").status_code == 200
    assert owner_client.get("/").status_code == 200


def test_a_deactivated_member_cannot_sign_in(alpha, owner_client, employee):
    deactivate(owner_client, employee)

    response = sign_in(alpha, employee)

    assert response.status_code == 200
    assert b"Please try again" in response.content


def test_the_employees_page_shows_who_is_deactivated(alpha, owner_client, employee):
    response = deactivate(owner_client, employee)

    row = response.content.decode().split('data-member="erin@example.com"')[1].split("</tr>")[0]
    assert "Deactivated" in row
    assert "Reactivate" in row


def test_a_reactivated_member_can_sign_in_again(alpha, owner_client, employee):
    old_session = client_on(alpha, employee)
    deactivate(owner_client, employee)

    response = reactivate(owner_client, employee)

    assert b"Erin Employee was reactivated." in response.content
    assert refreshed(alpha, employee).is_active
    assert sign_in(alpha, employee).status_code == 302
    assert old_session.get("/").status_code == 302


@pytest.mark.parametrize("role", [Role.ACCOUNT_OWNER, Role.SUPERUSER, Role.ADMIN_MANAGE_EMPLOYEES])
def test_the_employees_menu_entry_shows_for_admins(alpha, role):
    admin = make_member(alpha, "admin@example.com", role)

    page = client_on(alpha, admin).get("/").content.decode()

    assert EMPLOYEES_LINK in page
    assert "Employees</span>" in page


def test_the_employees_menu_entry_is_hidden_from_employees(alpha, employee):
    page = client_on(alpha, employee).get("/").content.decode()

    assert "Hello, Erin Employee" in page
    assert EMPLOYEES_LINK not in page
    assert "Employees</span>" not in page


def test_an_unknown_member_id_is_not_found(alpha, owner_client):
    with schema_context(alpha.schema_name):
        missing = User.objects.order_by("-pk").first().pk + 1000

    response = owner_client.post(f"/accounts/employees/{missing}/role/", {"role": Role.EMPLOYEE})

    assert response.status_code == 404


def test_a_non_owner_admin_cannot_reactivate_a_deactivated_owner(alpha, owner):
    second_owner = make_member(alpha, "second-owner@example.com", Role.ACCOUNT_OWNER)
    deactivate(client_on(alpha, owner), second_owner)
    admin = make_member(alpha, "admin@example.com", Role.SUPERUSER)

    response = reactivate(client_on(alpha, admin), second_owner)

    assert (
        b"Only an Account Owner can deactivate or reactivate an Account Owner." in response.content
    )
    assert not refreshed(alpha, second_owner).is_active
