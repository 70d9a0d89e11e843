"""Subscription events from the platforms' inbox (``connectors/inbox.py``)."""

from django.dispatch import receiver

from connectors.signals import subscription_event


@receiver(subscription_event)
def apply_subscription_event(sender, connection, event, **kwargs) -> str:
    from subscriptions.services import apply_event

    return apply_event(connection, event)
