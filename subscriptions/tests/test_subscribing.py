"""A client subscribes through the link staff send; the platform's events make the
subscription in the app, which staff and the client's portal list."""

from __future__ import annotations

from django_tenants.utils import schema_context

from subscriptions.models import Subscription
from subscriptions.tests.conftest import (
    a_plan,
    make_client,
    only_subscription,
    signed_in,
    subscribe,
    sync,
)


def test_a_client_subscribing_through_the_link_sees_an_active_subscription_in_the_portal(
    alpha, alpha_stripe, staff
):
    plan = a_plan(alpha, "Pro", "49.99")
    ana = make_client(alpha, "Ana Client")

    subscribe(staff, plan, ana)
    sync(alpha_stripe)

    subscription = only_subscription(alpha)
    assert (subscription.client_id, subscription.plan_id) == (ana.pk, plan.pk)
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.current_period_end is not None
    page = signed_in(alpha, ana).get("/portal/subscriptions/").content.decode()
    assert "Pro" in page and "49.99" in page and "per month" in page and "Active" in page
    listed = staff.get("/billing/subscriptions/").content.decode()
    assert "Ana Client" in listed and "Pro" in listed
    client_page = staff.get(f"/billing/clients/{ana.pk}/").content.decode()
    assert f"/billing/subscriptions/?client={ana.pk}" in client_page
    theirs = staff.get(f"/billing/subscriptions/?client={ana.pk}").content.decode()
    assert "Subscriptions of Ana Client" in theirs and "Pro" in theirs


def test_the_plans_page_saves_a_plan_and_the_catalog_links_to_it(alpha, alpha_stripe, staff):
    saved = staff.post(
        "/billing/plans/",
        {"name": "Team", "price": "120", "currency": "EUR", "interval": "year",
         "interval_count": "1", "group": "studio"},
    )  # fmt: skip

    assert saved.status_code == 302
    page = staff.get("/billing/plans/").content.decode()
    assert "Team" in page and "per year" in page and "Subscription link" in page
    assert "/billing/plans/" in staff.get("/billing/products/").content.decode()


def test_a_client_sees_only_their_own_subscriptions(alpha, alpha_stripe, staff):
    plan = a_plan(alpha)
    ana, bob = make_client(alpha, "Ana Client"), make_client(alpha, "Bob Other")
    subscribe(staff, plan, bob)
    sync(alpha_stripe)
    bobs = only_subscription(alpha)

    page = signed_in(alpha, ana)

    assert "Basic" not in page.get("/portal/subscriptions/").content.decode()
    assert page.get(f"/portal/subscriptions/{bobs.pk}/plan/").status_code == 404
    assert page.post(f"/portal/subscriptions/{bobs.pk}/cancel/").status_code == 404
    with schema_context(alpha.schema_name):
        assert Subscription.objects.get(pk=bobs.pk).cancellation_requested_at is None


def test_on_quickbooks_the_portal_says_subscriptions_are_not_available(
    alpha, quickbooks_platform, staff
):
    from billing_saas.testing.quickbooks import connect_quickbooks

    connect_quickbooks(quickbooks_platform, alpha)
    ana = make_client(alpha, "Ana Client")

    page = signed_in(alpha, ana).get("/portal/subscriptions/").content.decode()

    assert "Subscriptions are not available." in page
    assert "does not offer subscriptions" in staff.get("/billing/plans/").content.decode()


def test_a_plan_is_priced_once_on_the_platform_in_its_currencys_minor_unit(alpha, alpha_stripe):
    from connectors.registry import platform_for
    from subscriptions import services

    yen = a_plan(alpha, "Yen plan", "1200", currency="JPY", interval="year")
    with schema_context(alpha.schema_name):
        first = services.plan_price(yen, alpha_stripe)
        again = services.plan_price(yen, alpha_stripe)
        platform = platform_for(alpha_stripe)
        price = platform.api.prices.retrieve(first, {}, platform._options())

    assert first == again
    assert (price["unit_amount"], price["currency"]) == (1200, "jpy")
    assert price["recurring"]["interval"] == "year"
