"""The Stripe emulator sells subscriptions as Stripe does, through the official SDK: plans in
the catalog, Checkout in subscription mode, plan switches prorated to the second,
cancellation now or at the period's end, and renewals that charge the saved card."""

# ruff: noqa: F811 - the shared fixtures are imported, and named again as arguments
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
import stripe

from connectors.tests.stripe_saved_cards import (  # noqa: F401 - fixtures
    account,
    api,
    customer,
    event_types,
)
from connectors.tests.stripe_subscriptions import (  # noqa: F401 - the renew fixture
    all_event_types,
    pay_page,
    period,
    plan,
    renew,
    subscribe,
    subscription_session,
)
from emulators.stripe.state.periods import period_boundary


def test_plans_are_products_with_recurring_prices_listed_by_product(api):
    basic = plan(api, "Basic", 1999)
    yearly = api.prices.create(
        {"product": basic.product, "currency": "eur", "unit_amount": 19990,
         "recurring": {"interval": "year"}, "lookup_key": "basic-yearly"}
    )  # fmt: skip
    plan(api, "Pro", 4999)

    listed = api.prices.list({"product": basic.product})
    api.prices.update(yearly.id, {"active": False})
    active = api.prices.list({"product": basic.product, "active": True})

    assert [price.id for price in listed.data] == [yearly.id, basic.id]
    assert (basic.type, basic.unit_amount, basic.currency) == ("recurring", 1999, "eur")
    assert (basic.recurring.interval, basic.recurring.interval_count) == ("month", 1)
    assert api.products.retrieve(basic.product).default_price == basic.id
    assert yearly.lookup_key == "basic-yearly"
    assert [price.id for price in active.data] == [basic.id]
    assert "price.updated" in all_event_types(api)


def test_the_subscription_page_shows_the_plan_per_interval_and_the_card_fields(api, customer):
    pro = plan(api, "Pro", 4999)
    quarterly = plan(api, "Quarterly", 12000, interval="month", interval_count=3)

    page = requests.get(subscription_session(api, customer.id, pro.id).url, timeout=5).text
    other = requests.get(subscription_session(api, customer.id, quarterly.id).url, timeout=5)

    assert "Subscribe to Pro" in page and "€49.99 per month" in page
    for label in ("Card number", "Expiry (MM / YY)", "CVC"):
        assert label in page
    assert "€120.00 every 3 months" in other.text


def test_subscribing_on_the_page_starts_an_active_subscription_with_a_paid_invoice(api, customer):
    pro = plan(api, "Pro", 4999)
    session = subscription_session(api, customer.id, pro.id)

    back = pay_page(session.url)

    assert back.headers["Location"] == f"https://studio.test/subscribed?session={session.id}"
    done = api.checkout.sessions.retrieve(session.id)
    assert (done.status, done.payment_status, done.mode) == ("complete", "paid", "subscription")
    subscription = api.subscriptions.retrieve(done.subscription)
    assert (subscription.status, subscription.customer) == ("active", customer.id)
    item = subscription["items"].data[0]
    assert (item.price.id, item.quantity) == (pro.id, 1)
    start, end = period(subscription)
    assert end == period_boundary(start, {"interval": "month", "interval_count": 1}, 1)
    invoice = api.invoices.retrieve(subscription.latest_invoice)
    assert (invoice.status, invoice.amount_paid, invoice.billing_reason) == (
        "paid", 4999, "subscription_create",
    )  # fmt: skip
    assert invoice.subscription == subscription.id == done.subscription
    line = invoice.lines.data[0]
    assert (line.amount, line.pricing.price_details.price) == (4999, pro.id)
    assert (line.period.start, line.period.end) == (start, end)
    method = subscription.default_payment_method
    assert api.customers.retrieve(customer.id).invoice_settings.default_payment_method == method
    assert api.payment_methods.retrieve(method).customer == customer.id
    types = all_event_types(api)
    expected = ["customer.subscription.created", "invoice.created", "invoice.finalized",
                "invoice.payment_succeeded", "invoice.paid", "customer.subscription.updated",
                "checkout.session.completed"]  # fmt: skip
    assert [kind for kind in types if kind in expected] == expected


@pytest.mark.parametrize("declined_card", ["4000000000000002", "4000000000000341"])
def test_a_declined_card_is_refused_on_the_page_and_nothing_is_created(
    api, customer, declined_card
):
    pro = plan(api, "Pro", 4999)
    session = subscription_session(api, customer.id, pro.id)

    refused = pay_page(session.url, declined_card)

    assert refused.status_code == 200 and "Your card was declined." in refused.text
    assert api.checkout.sessions.retrieve(session.id).status == "open"
    assert api.subscriptions.list({"customer": customer.id}).data == []
    assert api.invoices.list({"customer": customer.id}).data == []
    assert "payment_method.attached" not in all_event_types(api)


def test_a_switch_mid_period_is_prorated_to_the_second_and_billed_at_renewal(api, customer, renew):
    basic, pro = plan(api, "Basic", 1999), plan(api, "Pro", 4999)
    subscription = subscribe(api, customer.id, basic.id)
    start, end = period(subscription)
    item_id = subscription["items"].data[0].id

    switched = api.subscriptions.update(
        subscription.id,
        {"items": [{"id": item_id, "price": pro.id}], "proration_behavior": "create_prorations",
         "proration_date": start + (end - start) // 2},
    )  # fmt: skip

    assert switched["items"].data[0].price.id == pro.id
    assert switched.latest_invoice == subscription.latest_invoice  # nothing billed yet
    updated = api.events.list({"type": "customer.subscription.updated", "limit": 1}).data[0]
    old = updated.data.previous_attributes["items"]["data"][0]
    assert old["price"]["id"] == basic.id
    # Half the period left: -19.99 / 2 and +49.99 / 2, each rounded half up to the cent.
    renewed = renew(subscription.id)
    invoice = api.invoices.retrieve(renewed["latest_invoice"])
    amounts = sorted(line.amount for line in invoice.lines.data)
    assert amounts == [-1000, 2500, 4999]
    assert (invoice.billing_reason, invoice.status, invoice.amount_paid) == (
        "subscription_cycle", "paid", 6499,
    )  # fmt: skip


def test_always_invoice_bills_the_proration_at_once_in_yen(api, customer):
    basic = plan(api, "Basic", 1000, currency="jpy", interval="week")
    pro = plan(api, "Pro", 2500, currency="jpy", interval="week")
    subscription = subscribe(api, customer.id, basic.id)
    start, _ = period(subscription)

    switched = api.subscriptions.update(
        subscription.id,
        {"items": [{"id": subscription["items"].data[0].id, "price": pro.id}],
         "proration_behavior": "always_invoice", "proration_date": start + 2 * 86400},
    )  # fmt: skip

    invoice = api.invoices.retrieve(switched.latest_invoice)
    # Five days of seven left: -1000 × 5/7 = -714.29 and 2500 × 5/7 = 1785.71, to the yen.
    assert sorted(line.amount for line in invoice.lines.data) == [-714, 1786]
    assert all(line.parent.subscription_item_details.proration for line in invoice.lines.data)
    assert (invoice.currency, invoice.total, invoice.amount_paid, invoice.status) == (
        "jpy", 1072, 1072, "paid",
    )  # fmt: skip
    assert invoice.billing_reason == "subscription_update"
    assert event_types(api, invoice.id)[-1] == "invoice.paid"


def test_the_yen_page_and_first_invoice_have_no_decimals(api, customer):
    monthly = plan(api, "Studio", 3000, currency="jpy")

    page = requests.get(subscription_session(api, customer.id, monthly.id).url, timeout=5)
    subscription = subscribe(api, customer.id, monthly.id)

    assert "¥3,000 per month" in page.text
    assert api.invoices.retrieve(subscription.latest_invoice).amount_paid == 3000


def test_a_downgrade_billed_at_once_leaves_a_credit_for_the_next_invoice(api, customer, renew):
    basic, pro = plan(api, "Basic", 1999), plan(api, "Pro", 4999)
    subscription = subscribe(api, customer.id, pro.id)
    start, end = period(subscription)

    downgraded = api.subscriptions.update(
        subscription.id,
        {"items": [{"id": subscription["items"].data[0].id, "price": basic.id}],
         "proration_behavior": "always_invoice", "proration_date": start + (end - start) // 2},
    )  # fmt: skip

    credit_note = api.invoices.retrieve(downgraded.latest_invoice)
    assert (credit_note.total, credit_note.amount_due, credit_note.ending_balance) == (
        -1500, 0, -1500,
    )  # fmt: skip
    renewed = renew(subscription.id)
    assert api.invoices.retrieve(renewed["latest_invoice"]).amount_paid == 1999 - 1500
    assert api.customers.retrieve(customer.id).balance == 0


def test_cancel_at_period_end_ends_the_subscription_at_renewal(api, customer, renew):
    subscription = subscribe(api, customer.id, plan(api, "Pro", 4999).id)
    _, end = period(subscription)

    requested = api.subscriptions.update(subscription.id, {"cancel_at_period_end": True})
    ended = renew(subscription.id)

    assert (requested.status, requested.cancel_at_period_end, requested.cancel_at) == (
        "active", True, end,
    )  # fmt: skip
    updated = api.events.list({"type": "customer.subscription.updated", "limit": 1}).data[0]
    assert updated.data.previous_attributes["cancel_at_period_end"] is False
    assert (ended["status"], ended["ended_at"], ended["latest_invoice"]) == (
        "canceled", end, subscription.latest_invoice,
    )  # fmt: skip
    assert event_types(api, subscription.id)[-1] == "customer.subscription.deleted"


def test_cancelling_now_ends_the_subscription_and_hides_it_from_the_default_list(api, customer):
    subscription = subscribe(api, customer.id, plan(api, "Pro", 4999).id)

    canceled = api.subscriptions.cancel(subscription.id)

    assert canceled.status == "canceled" and canceled.ended_at is not None
    assert event_types(api, subscription.id)[-1] == "customer.subscription.deleted"
    assert api.subscriptions.list({"customer": customer.id}).data == []
    listed = api.subscriptions.list({"customer": customer.id, "status": "all"})
    assert [found.id for found in listed.data] == [subscription.id]
    with pytest.raises(stripe.InvalidRequestError):
        api.subscriptions.update(subscription.id, {"cancel_at_period_end": True})


def test_renewal_charges_the_next_period_on_the_saved_card(api, customer, renew):
    subscription = subscribe(api, customer.id, plan(api, "Pro", 4999).id)
    start, end = period(subscription)

    renewed = renew(subscription.id)

    item = renewed["items"]["data"][0]
    following = period_boundary(start, {"interval": "month", "interval_count": 1}, 2)
    assert (item["current_period_start"], item["current_period_end"]) == (end, following)
    invoice = api.invoices.retrieve(renewed["latest_invoice"])
    assert (invoice.billing_reason, invoice.status, invoice.amount_paid) == (
        "subscription_cycle", "paid", 4999,
    )  # fmt: skip
    assert (invoice.lines.data[0].period.start, invoice.lines.data[0].period.end) == (
        end, following,
    )  # fmt: skip
    assert renewed["status"] == "active"


def test_a_renewal_declined_by_the_default_card_leaves_it_past_due(api, customer, renew):
    subscription = subscribe(api, customer.id, plan(api, "Pro", 4999).id)
    failing = api.payment_methods.attach("pm_card_chargeCustomerFail", {"customer": customer.id})
    api.subscriptions.update(subscription.id, {"default_payment_method": failing.id})

    renewed = renew(subscription.id)

    assert renewed["status"] == "past_due"
    invoice = api.invoices.retrieve(renewed["latest_invoice"])
    assert (invoice.status, invoice.amount_paid, invoice.attempt_count) == ("open", 0, 1)
    assert event_types(api, invoice.id)[-1] == "invoice.payment_failed"
    updated = api.events.list({"type": "customer.subscription.updated", "limit": 1}).data[0]
    assert (updated.data.object.status, updated.data.previous_attributes["status"]) == (
        "past_due", "active",
    )  # fmt: skip


def test_idempotency_keys_make_one_price_and_one_proration(api, customer):
    basic, pro = plan(api, "Basic", 1999), plan(api, "Pro", 4999)
    params = {"product": basic.product, "currency": "eur", "unit_amount": 999,
              "recurring": {"interval": "month"}}  # fmt: skip
    first = api.prices.create(params, {"idempotency_key": "price:1"})
    again = api.prices.create(params, {"idempotency_key": "price:1"})
    subscription = subscribe(api, customer.id, basic.id)
    switch = {"items": [{"id": subscription["items"].data[0].id, "price": pro.id}],
              "proration_behavior": "always_invoice"}  # fmt: skip

    one = api.subscriptions.update(subscription.id, switch, {"idempotency_key": "switch:1"})
    two = api.subscriptions.update(subscription.id, switch, {"idempotency_key": "switch:1"})

    assert first.id == again.id
    assert all_event_types(api).count("price.created") == 3
    assert one.latest_invoice == two.latest_invoice
    assert len(api.invoices.list({"customer": customer.id}).data) == 2


def test_a_month_anchored_on_the_31st_renews_on_the_last_day_of_shorter_months():
    anchor = int(datetime(2027, 1, 31, 9, 30, tzinfo=UTC).timestamp())
    monthly = {"interval": "month", "interval_count": 1}

    ends = [datetime.fromtimestamp(period_boundary(anchor, monthly, n), UTC) for n in (1, 2, 13)]

    assert [moment.date().isoformat() for moment in ends] == [
        "2027-02-28", "2027-03-31", "2028-02-29",
    ]  # fmt: skip
