"""What happens to plans and subscriptions: prices created on the platform when first used,
subscription links, the platform's state mirrored, and the client's portal requests.

The platform decides a subscription's status and periods; we only mirror them. Every event
names a subscription and we fetch its current state under a row lock, so events late,
duplicated or shuffled, and two workers at once, all end on the platform's latest state.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from connectors.base import (
    Capability,
    Money,
    RecurringPrice,
    RemoteSubscription,
    RemoteSubscriptionInvoice,
    WebhookEvent,
)
from connectors.models import Connection
from connectors.registry import capabilities_of, platform_for
from notifications.notify import Recipient, notify
from payment_requests.models import PlatformCustomer
from payment_requests.services.common import current_tenant, default_connection
from payment_requests.services.sending import client_ref
from subscriptions.models import Plan, PlanPrice, Subscription, SubscriptionSettings
from tenants.urls_helpers import account_url

# An event this much older than our last fetch was already in what that fetch saw (the
# margin covers the platform's clock and ours disagreeing a little).
CLOCK_MARGIN = timedelta(minutes=5)


def subscriptions_offered(connection: Connection | None) -> bool:
    return connection is not None and Capability.SUBSCRIPTIONS in capabilities_of(connection)


def plan_price(plan: Plan, connection: Connection) -> str:
    """The plan's recurring price on ``connection``, created there the first time."""
    known = PlanPrice.objects.filter(plan=plan, connection=connection).first()
    if known:
        return known.remote_id
    remote_id = platform_for(connection).ensure_plan_price(
        RecurringPrice(
            plan.pk, plan.name, Money(plan.price, plan.currency), plan.interval, plan.interval_count
        )
    )
    # The platform call is idempotent per plan: a concurrent first use gets the same price.
    PlanPrice.objects.get_or_create(
        plan=plan, connection=connection, defaults={"remote_id": remote_id}
    )
    return remote_id


def subscription_link(plan: Plan, client, request=None) -> str:
    """A platform page where ``client`` subscribes to ``plan``; back to their portal after."""
    connection = default_connection()
    platform = platform_for(connection)
    price_id = plan_price(plan, connection)
    known = PlatformCustomer.objects.filter(client=client, connection=connection).first()
    ref = client_ref(client, known.remote_id if known else "")
    back = account_url(current_tenant(), reverse("subscriptions:portal_list"), request)
    return platform.create_subscription_link(
        ref, price_id, back, back, metadata={"client_id": str(client.pk), "plan_id": str(plan.pk)}
    )


# ---- the platform's state, mirrored ---------------------------------------------------------
def apply_event(connection: Connection, event: WebhookEvent) -> str:
    """Mirror the subscription the event names; a note for the inbox ("" if not ours)."""
    with transaction.atomic():
        known = (
            Subscription.objects.select_for_update()
            .filter(connection=connection, remote_id=event.remote_id)
            .first()
        )
        if known and known.synced_at and event.occurred_at < known.synced_at - CLOCK_MARGIN:
            return f"{event.remote_id}: older than the last fetch"
        remote = platform_for(connection).fetch_subscription(event.remote_id)
        subscription = mirror(connection, remote, known)
        if subscription is None:
            return ""
        if subscription.last_event_at is None or event.occurred_at > subscription.last_event_at:
            subscription.last_event_at = event.occurred_at
            subscription.save(update_fields=["last_event_at"])
    return f"{remote.remote_id}: {remote.status}"


def mirror(connection: Connection, remote: RemoteSubscription,
           known: Subscription | None = None) -> Subscription | None:  # fmt: skip
    """Write the platform's state on our row (created the first time); ``None`` when the
    subscription is none of our clients'."""
    plan = Plan.objects.filter(
        remote_prices__connection=connection, remote_prices__remote_id=remote.price_id
    ).first()
    fields = {
        "status": remote.status,
        "current_period_end": remote.current_period_end,
        "cancel_at_period_end": remote.cancel_at_period_end,
        "synced_at": timezone.now(),
    }
    if plan is not None:
        fields["plan"] = plan
    if known is None:
        client_id = _client_id(connection, remote)
        if client_id is None:
            return None
        known, _created = Subscription.objects.select_for_update().get_or_create(
            connection=connection,
            remote_id=remote.remote_id,
            defaults={"client_id": client_id, **fields},
        )
    for name, value in fields.items():
        setattr(known, name, value)
    known.save()
    return known


def _client_id(connection: Connection, remote: RemoteSubscription) -> int | None:
    from clients.models import Client

    local = remote.metadata.get("client_id", "")
    if local.isdigit() and Client.objects.filter(pk=int(local)).exists():
        return int(local)
    return (
        PlatformCustomer.objects.filter(connection=connection, remote_id=remote.customer_id)
        .values_list("client_id", flat=True)
        .first()
    )


# ---- what the client asks in the portal -----------------------------------------------------
class NotAllowed(Exception):
    """The provider does not offer that option (or not for this subscription)."""


def request_cancellation(subscription: Subscription) -> Subscription:
    """Cancellation as the provider set it: a request to the team, or at the period's end."""
    mode = SubscriptionSettings.current().allow_cancellation
    if mode == SubscriptionSettings.Cancellation.OFF or subscription.status == "canceled":
        raise NotAllowed
    if mode == SubscriptionSettings.Cancellation.PERIOD_END:
        platform_for(subscription.connection).cancel_subscription_at_period_end(
            subscription.remote_id
        )
        return _refresh(subscription)
    with transaction.atomic():
        locked = _locked(subscription)
        if locked.cancellation_requested_at is None:
            locked.cancellation_requested_at = timezone.now()
            locked.save(update_fields=["cancellation_requested_at"])
            _tell_the_team(locked)
    return locked


def _tell_the_team(subscription: Subscription) -> None:
    from payment_requests.models import BillingAccess
    from tenants.members.models import User

    admins = list(User.objects.billing_admins())
    granted = User.objects.filter(
        is_active=True, pk__in=BillingAccess.objects.values("user_id")
    ).exclude(pk__in=[admin.pk for admin in admins])
    for member in [*admins, *granted]:
        notify(
            Recipient.for_member(member),
            "subscription.cancellation_requested",
            {"subscription": subscription, "client": subscription.client},
            once_key=f"subscription:{subscription.pk}:cancel:{member.pk}",
        )


def switchable_plans(subscription: Subscription):
    """The other active plans of the subscription's group, in its currency."""
    plan = subscription.plan
    if plan is None or not plan.group or subscription.status == "canceled":
        return Plan.objects.none()
    return Plan.objects.filter(group=plan.group, currency=plan.currency, active=True).exclude(
        pk=plan.pk
    )


def switch_plan(subscription: Subscription, plan: Plan) -> Subscription:
    """Move the subscription to ``plan``; the platform prorates what is left of the period."""
    if not SubscriptionSettings.current().allow_plan_switch:
        raise NotAllowed
    if not switchable_plans(subscription).filter(pk=plan.pk).exists():
        raise NotAllowed
    connection = subscription.connection
    price_id = plan_price(plan, connection)
    platform_for(connection).switch_subscription_plan(subscription.remote_id, price_id)
    return _refresh(subscription)


def invoices_of(subscription: Subscription) -> list[RemoteSubscriptionInvoice]:
    """The subscription's invoices as the platform keeps them now (we store none). Its
    customer is asked of the platform too: the link may have made one we never recorded."""
    platform = platform_for(subscription.connection)
    customer_id = platform.fetch_subscription(subscription.remote_id).customer_id
    return platform.subscription_invoices(customer_id, subscription.remote_id)


def _locked(subscription: Subscription) -> Subscription:
    return Subscription.objects.select_for_update().get(pk=subscription.pk)


def _refresh(subscription: Subscription) -> Subscription:
    """Mirror the platform's state fetched under the row's lock, not the answer of the call
    just made: a webhook's worker may have written a newer state since that answer."""
    with transaction.atomic():
        locked = _locked(subscription)
        remote = platform_for(locked.connection).fetch_subscription(locked.remote_id)
        return mirror(locked.connection, remote, locked)
