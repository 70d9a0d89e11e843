"""Saved payment methods through the Stripe connector, on the emulator: the client types a card
on Stripe's hosted setup page; we read back brand, last four digits and expiry, make one the
default, detach one. A setup-mode Checkout event is no payment and breaks no event handler."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.stripe import connect_stripe
from connectors.base import ClientRef, PlatformError
from connectors.models import InboundEvent
from connectors.registry import platform_for
from connectors.tests.stripe_saved_cards import type_card
from connectors.tests.test_stripe_webhooks import events_of, post_event, process_all

BACK = "https://alpha.test/portal/payment-methods/"


@pytest.fixture
def connection(stripe_platform, alpha):
    stripe_platform.sender.paused = True  # the test delivers events itself
    return connect_stripe(stripe_platform, alpha)


@pytest.fixture
def platform(connection, alpha):
    with schema_context(alpha.schema_name):
        yield platform_for(connection)


@pytest.fixture
def customer(platform):
    return platform.ensure_customer(ClientRef(7, "Cy Client", "cy@client.test", language="fr"))


def save_card(platform, customer, number):
    url = platform.start_saving_method(
        ClientRef(7, "Cy Client", "cy@client.test", customer), f"{BACK}?added=1", BACK
    )
    answer = type_card(url, number)
    assert answer.status_code == 302 and answer.headers["Location"] == f"{BACK}?added=1"


def test_a_card_typed_on_the_hosted_page_is_listed_without_its_number(platform, customer):
    save_card(platform, customer, "4242 4242 4242 4242")

    [card] = platform.saved_methods(customer)

    assert (card.kind, card.brand, card.last4) == ("card", "visa", "4242")
    assert (card.exp_month, card.exp_year, card.is_default) == (12, 2034, False)
    assert card.remote_id.startswith("pm_") and "4242424242424242" not in repr(card)


def test_the_hosted_page_is_in_the_clients_language(stripe_platform, platform, customer):
    url = platform.start_saving_method(
        ClientRef(7, "Cy Client", "cy@client.test", customer, language="fr"), BACK, BACK
    )
    session = stripe_platform.state.accounts[platform.account_id].objects[url.rsplit("/", 1)[1]]
    assert (session["mode"], session["locale"], session["customer"]) == ("setup", "fr", customer)


def test_one_card_made_the_default_and_another_detached(platform, customer):
    save_card(platform, customer, "4242 4242 4242 4242")
    save_card(platform, customer, "5555 5555 5555 4444")
    by_last4 = {method.last4: method.remote_id for method in platform.saved_methods(customer)}

    platform.set_default_method(customer, by_last4["4444"])
    platform.remove_method(customer, by_last4["4242"])
    platform.remove_method(customer, by_last4["4242"])  # a second click: already gone

    [left] = platform.saved_methods(customer)
    assert (left.brand, left.last4, left.is_default) == ("mastercard", "4444", True)


def test_another_customers_card_is_neither_removed_nor_made_default(platform, customer):
    save_card(platform, customer, "4242 4242 4242 4242")
    [card] = platform.saved_methods(customer)
    other = platform.ensure_customer(ClientRef(8, "Bo Other", "bo@client.test"))

    for attempt in (platform.remove_method, platform.set_default_method):
        with pytest.raises(PlatformError, match="not one of this client's"):
            attempt(other, card.remote_id)

    assert [method.remote_id for method in platform.saved_methods(customer)] == [card.remote_id]


def test_the_setup_sessions_events_are_ignored_not_failed(
    stripe_platform, connection, platform, customer, alpha, root_client
):
    start = len(events_of(stripe_platform, connection.remote_account_id))
    save_card(platform, customer, "4242 4242 4242 4242")
    events = events_of(stripe_platform, connection.remote_account_id, start)
    completed = [event for event in events if event["type"] == "checkout.session.completed"]
    assert completed and completed[0]["data"]["object"]["currency"] is None

    for event in events:
        assert post_event(root_client, event).status_code == 200
    process_all(alpha)

    with schema_context(alpha.schema_name):
        outcomes = set(InboundEvent.objects.values_list("outcome", flat=True))
    assert outcomes == {InboundEvent.Outcome.IGNORED}
