"""The signed-in member is read afresh at every request (``UserManager.get(pk=…)`` as plain SQL,
or with the session: billing_saas/sessions.py): a change made any way, even a bulk update that
sends no signal, shows at the next request; and that lookup answers exactly as the ORM's."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, make_member
from tenants.members.models import Role, User

EMPLOYEES_LINK = 'href="/accounts/employees/"'


@pytest.fixture
def member(alpha):
    return make_member(alpha, "erin@example.com", Role.EMPLOYEE, full_name="Erin Employee")


def signed_in_twice(tenant, user):
    """A browser signed in whose session this process has read twice: from the second view on,
    the session and its member are read in one statement (billing_saas/sessions.py)."""
    browser = client_on(tenant, user)
    assert browser.get("/").status_code == 200
    assert browser.get("/").status_code == 200
    return browser


def update(tenant, user, **fields) -> None:
    with schema_context(tenant.schema_name):
        User.objects.filter(pk=user.pk).update(**fields)


def test_a_deactivated_member_is_signed_out_at_the_next_request(alpha, member):
    browser = signed_in_twice(alpha, member)
    update(alpha, member, is_active=False)
    assert browser.get("/").status_code == 302


def test_a_password_changed_elsewhere_signs_the_member_out(alpha, member):
    browser = signed_in_twice(alpha, member)
    update(alpha, member, password=make_password("another-password-42"))
    response = browser.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_new_role_shows_at_the_next_request(alpha, member):
    browser = signed_in_twice(alpha, member)
    assert EMPLOYEES_LINK not in browser.get("/").content.decode()
    update(alpha, member, role=Role.SUPERUSER, full_name="Erin Admin")
    page = browser.get("/").content.decode()
    assert EMPLOYEES_LINK in page and "Erin Admin" in page


def test_a_deleted_member_is_signed_out(alpha, member):
    browser = signed_in_twice(alpha, member)
    with schema_context(alpha.schema_name):
        User.objects.filter(pk=member.pk).delete()
    assert browser.get("/").status_code == 302


def test_get_by_pk_answers_as_the_orm(alpha, member):
    with schema_context(alpha.schema_name):
        fast, orm = User.objects.get(pk=member.pk), User.objects.filter(pk=member.pk).get()
        assert type(fast) is User and not fast._state.adding and fast._state.db == "default"
        for field in User._meta.concrete_fields:
            assert getattr(fast, field.attname) == getattr(orm, field.attname), field.name
        assert User.objects.get(pk=str(member.pk)) == orm
        assert User.objects.db_manager("default").get(pk=member.pk) == orm


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (987654, User.DoesNotExist),
        (2**70, User.DoesNotExist),  # beyond the column: matches nothing, as with the ORM
        (-(2**70), User.DoesNotExist),
        ("abc", ValueError),
        (None, User.DoesNotExist),
    ],
)
def test_get_by_pk_fails_as_the_orm(alpha, value, error):
    with schema_context(alpha.schema_name):
        with pytest.raises(error) as fast:
            User.objects.get(pk=value)
        with pytest.raises(error) as orm:
            User.objects.filter(pk=value).get()
        assert str(fast.value) == str(orm.value)
