"""What a client may do with a subscription in the portal, as the provider enabled it:
switch plan (the platform prorates), request cancellation (to the team, or at period end)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from billing_saas.testing.fixtures import make_member
from connectors.registry import platform_for
from payment_requests.services.access import grant_access
from subscriptions.models import SubscriptionSettings
from subscriptions.tests.conftest import (
    a_plan,
    make_client,
    only_subscription,
    signed_in,
    subscribe,
    sync,
)

Cancellation = SubscriptionSettings.Cancellation


@pytest.fixture
def subscribed(alpha, alpha_stripe, staff):
    """Ana on Basic (group "studio", with Pro), the events applied; her portal browser."""
    basic, pro = a_plan(alpha, "Basic", "19.99"), a_plan(alpha, "Pro", "49.99")
    a_plan(alpha, "Other group", "5.00", group="other")
    ana = make_client(alpha, "Ana Client")
    subscribe(staff, basic, ana)
    sync(alpha_stripe)
    return {"ana": ana, "pro": pro, "page": signed_in(alpha, ana)}


def options(tenant, **values) -> None:
    with schema_context(tenant.schema_name):
        SubscriptionSettings.objects.create(**values)


def test_manage_plan_switches_on_the_platform_and_the_portal_shows_the_new_plan(
    alpha, alpha_stripe, subscribed
):
    page, pro = subscribed["page"], subscribed["pro"]
    subscription = only_subscription(alpha)
    form = page.get(f"/portal/subscriptions/{subscription.pk}/plan/").content.decode()
    assert "Pro" in form and "Other group" not in form and "prorates" in form

    done = page.post(f"/portal/subscriptions/{subscription.pk}/plan/", {"plan": pro.pk})

    assert done.status_code == 302
    with schema_context(alpha.schema_name):
        remote = platform_for(alpha_stripe).fetch_subscription(subscription.remote_id)
        assert remote.price_id == pro.remote_prices.get().remote_id
    assert only_subscription(alpha).plan_id == pro.pk
    assert "49.99" in page.get("/portal/subscriptions/").content.decode()
    sync(alpha_stripe)  # the platform's events say the same
    assert only_subscription(alpha).plan_id == pro.pk


def test_requesting_cancellation_from_the_team_emails_everyone_with_client_billing(
    alpha, alpha_stripe, subscribed, mailoutbox
):
    employee = make_member(alpha, "eve@alpha.test")
    with schema_context(alpha.schema_name):
        grant_access(employee, granted_by=None)
    page, subscription = subscribed["page"], only_subscription(alpha)
    mailoutbox.clear()

    page.post(f"/portal/subscriptions/{subscription.pk}/cancel/")
    page.post(f"/portal/subscriptions/{subscription.pk}/cancel/")  # twice: one email each

    assert only_subscription(alpha).cancellation_requested_at is not None
    assert only_subscription(alpha).status == "active"
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [owner.email for owner in _admins(alpha)] + ["eve@alpha.test"]
    )
    assert "Ana Client asks to cancel" in mailoutbox[0].subject
    assert "Cancellation requested" in page.get("/portal/subscriptions/").content.decode()


def test_cancelling_at_period_end_asks_the_platform_and_the_portal_says_when_it_ends(
    alpha, alpha_stripe, subscribed, mailoutbox
):
    options(alpha, allow_cancellation=Cancellation.PERIOD_END)
    page, subscription = subscribed["page"], only_subscription(alpha)
    mailoutbox.clear()

    page.post(f"/portal/subscriptions/{subscription.pk}/cancel/")

    with schema_context(alpha.schema_name):
        remote = platform_for(alpha_stripe).fetch_subscription(subscription.remote_id)
    assert remote.cancel_at_period_end
    assert only_subscription(alpha).cancel_at_period_end
    assert "Ends on" in page.get("/portal/subscriptions/").content.decode()
    assert mailoutbox == []


def test_options_the_provider_turned_off_are_neither_shown_nor_accepted(
    alpha, alpha_stripe, subscribed
):
    options(alpha, allow_cancellation=Cancellation.OFF, allow_plan_switch=False)
    page, subscription = subscribed["page"], only_subscription(alpha)

    listed = page.get("/portal/subscriptions/").content.decode()

    assert "Request cancellation" not in listed and "Manage plan" not in listed
    assert page.post(f"/portal/subscriptions/{subscription.pk}/cancel/").status_code == 404
    assert page.get(f"/portal/subscriptions/{subscription.pk}/plan/").status_code == 404
    assert only_subscription(alpha).cancellation_requested_at is None


def _admins(tenant):
    from tenants.members.models import User

    with schema_context(tenant.schema_name):
        return list(User.objects.billing_admins())
