"""Platform events arrive duplicated, late and shuffled: one subscription row, with the
platform's final state, whatever their order."""

from __future__ import annotations

import random

from django_tenants.utils import schema_context

from connectors.registry import platform_for
from subscriptions import services
from subscriptions.models import Subscription
from subscriptions.tests.conftest import (
    a_plan,
    deliver,
    make_client,
    only_subscription,
    platform_events,
    subscribe,
)


def test_duplicated_and_shuffled_webhooks_leave_one_subscription_in_its_final_state(
    alpha, alpha_stripe, staff
):
    basic, pro = a_plan(alpha, "Basic", "19.99"), a_plan(alpha, "Pro", "49.99")
    ana = make_client(alpha, "Ana Client")
    subscribe(staff, basic, ana)
    with schema_context(alpha.schema_name):
        platform = platform_for(alpha_stripe)
        (remote_id,) = [
            s["id"] for s in platform.api.subscriptions.list({}, platform._options())["data"]
        ]
        platform.switch_subscription_plan(remote_id, services.plan_price(pro, alpha_stripe))
        platform.cancel_subscription_at_period_end(remote_id)
    events = platform_events(alpha_stripe)
    assert sum(e.event_type.startswith("customer.subscription.") for e in events) >= 3
    for seconds, event in enumerate(events):  # a second apart, as if they had been spread out
        event.payload["created"] += seconds
    shuffled = events * 2
    random.Random(19).shuffle(shuffled)

    deliver(alpha_stripe, shuffled)

    subscription = only_subscription(alpha)
    assert (subscription.plan_id, subscription.status) == (pro.pk, "active")
    assert subscription.cancel_at_period_end
    newest = max(e.payload["created"] for e in events if e.event_type.startswith("customer."))
    assert subscription.last_event_at.timestamp() == newest


def test_an_event_applied_again_directly_changes_nothing(alpha, alpha_stripe, staff):
    plan = a_plan(alpha)
    subscribe(staff, plan, make_client(alpha, "Ana Client"))
    events = [e for e in platform_events(alpha_stripe)
              if e.event_type.startswith("customer.subscription.")]  # fmt: skip
    with schema_context(alpha.schema_name):
        platform = platform_for(alpha_stripe)
        for payload in [*events, *reversed(events)]:
            services.apply_event(alpha_stripe, platform.normalise(payload.payload))
        assert Subscription.objects.count() == 1
    assert only_subscription(alpha).status == "active"


def test_the_inbox_drain_applies_subscription_events_with_the_others(alpha, alpha_stripe, staff):
    from connectors import inbox
    from connectors.models import InboundEvent

    plan = a_plan(alpha)
    subscribe(staff, plan, make_client(alpha, "Ana Client"))
    with schema_context(alpha.schema_name):
        for payload in platform_events(alpha_stripe):
            inbox.store(alpha_stripe.pk, payload, "webhook")
        inbox.drain(alpha.schema_name)
        applied = InboundEvent.objects.filter(
            event_type__startswith="customer.subscription.", outcome="applied"
        )
        assert applied.exists()
    assert only_subscription(alpha).status == "active"
