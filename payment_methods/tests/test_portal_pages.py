"""The portal's Payment methods page: add a card on the platform's page, see it listed without
its number, show it, make it the default, remove it; another client's is never found; a
platform that keeps no methods says so."""

from __future__ import annotations

import re

import pytest
import requests
from django.utils import timezone
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import client_on, owner_of
from billing_saas.testing.quickbooks import connect_quickbooks
from client_portal.tests.conftest import make_client, signed_in
from payment_methods.models import SavedPaymentMethod
from payment_methods.tests.conftest import LIST, add_card, path_of

CANNOT = "Your provider's payment platform cannot keep payment methods"


def methods_of(tenant, client):
    with schema_context(tenant.schema_name):
        return list(SavedPaymentMethod.objects.filter(client=client).order_by("pk"))


def remote_methods(stripe_platform, connection):
    """The PaymentMethods the emulator has attached to a customer, by last four digits."""
    objects = stripe_platform.state.accounts[connection.remote_account_id].objects.values()
    return {
        obj["card"]["last4"]: obj
        for obj in objects
        if obj.get("object") == "payment_method" and obj["customer"]
    }


def test_a_card_added_on_the_platforms_page_is_listed_without_its_number(
    stripe_connection, alpha, ana, portal
):
    back = add_card(portal, "4242 4242 4242 4242")

    page = back.content.decode()
    assert back.status_code == 200 and "Card added." in page
    assert "Visa •••• 4242" in page and "12/2034" in page and "Default" in page
    [saved] = methods_of(alpha, ana)
    assert (saved.brand, saved.last4, saved.is_default, saved.added_by) == ("visa", "4242", True,
                                                                           None)  # fmt: skip
    assert "4242424242424242" not in str(vars(saved))
    again = portal.get(f"{LIST}?added=1").content.decode()  # reloaded: nothing new
    assert "Card added." not in again and "Visa •••• 4242" in again


def test_giving_up_on_the_platforms_page_comes_back_with_nothing_added(
    stripe_connection, alpha, ana, portal
):
    to_platform = portal.post(f"{LIST}add/")
    platform_page = requests.get(to_platform["Location"], timeout=5).text
    cancel = re.search(r'<a href="([^"]+)">Cancel and go back</a>', platform_page)[1]
    assert path_of(cancel) == LIST

    page = portal.get(path_of(cancel)).content.decode()

    assert "No saved payment method yet." in page and "Card added." not in page
    assert methods_of(alpha, ana) == []


def test_show_then_remove_once_confirmed_detaches_the_card_on_the_platform(
    stripe_platform, stripe_connection, alpha, ana, portal
):
    add_card(portal, "4242 4242 4242 4242")
    [card] = methods_of(alpha, ana)

    shown = portal.get(f"{LIST}{card.pk}/").content.decode()
    asked = portal.get(f"{LIST}{card.pk}/remove/").content.decode()
    assert "Remove" in shown and "Make default" not in shown  # the only one: the default
    assert "Remove Visa •••• 4242?" in asked and "Yes, remove it" in asked
    assert remote_methods(stripe_platform, stripe_connection)  # not yet: only asked

    done = portal.post(f"{LIST}{card.pk}/remove/")

    assert done.status_code == 302
    assert "Payment method removed." in portal.get(done["Location"]).content.decode()
    assert remote_methods(stripe_platform, stripe_connection) == {}
    [gone] = methods_of(alpha, ana)
    assert gone.removed_at is not None
    assert portal.get(f"{LIST}{card.pk}/").status_code == 404


def test_with_several_cards_another_can_be_made_the_default(
    stripe_platform, stripe_connection, alpha, ana, portal
):
    add_card(portal, "4242 4242 4242 4242")
    add_card(portal, "5555 5555 5555 4444")
    visa, mastercard = methods_of(alpha, ana)
    assert visa.is_default and not mastercard.is_default  # the first one saved

    offered = portal.get(f"{LIST}{mastercard.pk}/").content.decode()
    assert "Make default" in offered
    portal.post(f"{LIST}{mastercard.pk}/default/")

    customer = stripe_platform.state.accounts[stripe_connection.remote_account_id].objects[
        remote_methods(stripe_platform, stripe_connection)["4444"]["customer"]
    ]
    assert customer["invoice_settings"]["default_payment_method"] == mastercard.remote_id
    visa, mastercard = methods_of(alpha, ana)
    assert mastercard.is_default and not visa.is_default
    listed = portal.get(LIST).content.decode()
    assert listed.index("Mastercard •••• 4444") < listed.index("Visa •••• 4242")


def test_another_clients_method_is_not_found_and_stays(
    stripe_platform, stripe_connection, alpha, ana, portal
):
    add_card(portal)
    [card] = methods_of(alpha, ana)
    bob = signed_in(alpha, make_client(alpha, "Bob Other"))

    for method, url in (("get", ""), ("get", "remove/"), ("post", "remove/"),
                        ("post", "default/")):  # fmt: skip
        assert getattr(bob, method)(f"{LIST}{card.pk}/{url}").status_code == 404, url

    assert "Visa" not in bob.get(LIST).content.decode()
    assert methods_of(alpha, ana)[0].removed_at is None
    assert "4242" in remote_methods(stripe_platform, stripe_connection)


def test_a_member_in_the_clients_portal_adds_a_card_on_its_behalf(stripe_connection, alpha, ana):
    staff = client_on(alpha, owner_of(alpha))
    staff.post(f"/billing/clients/{ana.pk}/open-portal/")

    back = add_card(staff)

    assert "Card added." in back.content.decode()
    [card] = methods_of(alpha, ana)
    owner = owner_of(alpha)
    assert card.added_by == owner
    shown = staff.get(f"{LIST}{card.pk}/").content.decode()
    assert f"by {owner.full_name}, on your behalf" in shown


def test_an_expired_card_is_marked_expired(stripe_connection, alpha, ana, portal):
    today = timezone.localdate()
    with schema_context(alpha.schema_name):
        SavedPaymentMethod.objects.create(
            client=ana, connection=stripe_connection, remote_id="pm_old", brand="visa",
            last4="1111", exp_month=today.month, exp_year=today.year - 1,
        )  # fmt: skip
        SavedPaymentMethod.objects.create(
            client=ana, connection=stripe_connection, remote_id="pm_now", brand="visa",
            last4="2222", exp_month=today.month, exp_year=today.year,
        )  # fmt: skip

    rows = portal.get(LIST).content.decode().split("<tr data-method=")[1:]

    expired = {row.split("••••")[1][:5].strip(): "Expired" in row for row in rows}
    assert expired == {"1111": True, "2222": False}


@pytest.mark.parametrize("connect", ["quickbooks", None])
def test_without_a_platform_able_to_keep_methods_the_page_says_so(
    connect, quickbooks_platform, alpha, ana, portal
):
    if connect:
        connect_quickbooks(quickbooks_platform, alpha)

    page = portal.get(LIST).content.decode()
    added = portal.post(f"{LIST}add/")

    assert CANNOT in page and "Add a payment method" not in page
    assert "Payment methods" in page  # the section is there, with its words
    assert added.status_code == 302 and path_of("http://x" + added["Location"]) == LIST
    assert methods_of(alpha, ana) == []
