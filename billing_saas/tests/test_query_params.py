"""Ids and day counts typed or linked with odd digits show a page, never a server error."""

import pytest
from django.contrib.messages import get_messages

from billing_saas.query_params import iso_date, positive_int
from billing_saas.testing.fixtures import client_on, install_client_billing, owner_of


@pytest.mark.parametrize(
    "value", ["", " ", "0", "-1", "²", "١٢", "１２", "1e3", str(2**63), "9" * 5000, None]
)
def test_only_plain_digits_within_an_id_make_an_id(value):
    assert positive_int(value) is None


def test_plain_digits_make_an_id():
    assert positive_int(" 42 ") == 42
    assert positive_int("90", maximum=90) == 90
    assert positive_int("91", maximum=90) is None


@pytest.mark.parametrize("value", ["9999-99-99", "2024-02-30", "٢٠٢٤-٠١-٠١", "x" * 5000, None])
def test_only_real_days_make_a_date(value):
    assert iso_date(value) is None


@pytest.fixture
def owner(alpha):
    install_client_billing(alpha)
    owner = client_on(alpha, owner_of(alpha))
    owner.raise_request_exception = False
    return owner


@pytest.mark.parametrize("query", ["copy=%C2%B2", "client=%C2%B2", "copy=" + "9" * 5000])
def test_a_new_request_from_an_odd_link_starts_blank(owner, query):
    response = owner.get(f"/billing/requests/new/?{query}")

    assert response.status_code == 200


@pytest.mark.parametrize("user", ["abc", "²", "9" * 5000])
def test_granting_access_to_a_member_id_that_is_not_a_number_finds_no_one(owner, user):
    response = owner.post("/billing/access/", {"user": user, "grant": "yes"})

    assert response.status_code == 404


def test_the_install_wizard_asks_again_for_a_connection_that_is_not_a_number(owner):
    wizard = "/catalog/client-billing/install/"
    owner.post(f"{wizard}?step=platform", {"platform": "stripe"})

    response = owner.post(f"{wizard}?step=connection", {"connection": "abc"})

    assert response.status_code == 302
    assert response["Location"] == f"{wizard}?step=connection"
    assert "Choose a connection" in str(list(get_messages(response.wsgi_request))[0])


@pytest.mark.parametrize("days", ["²", "1,²", "1," + "9" * 20])
def test_reminder_days_in_odd_digits_are_a_form_error(owner, days):
    response = owner.post(
        "/billing/settings/",
        {
            "remind_before_days": days,
            "remind_after_days": "1",
            "sender_name": "Alpha",
            "brand_color": "#112233",
            "time_zone": "Europe/Paris",
        },
    )

    assert response.status_code == 200
    assert "Enter days between 1 and 90, separated by commas." in response.content.decode()
