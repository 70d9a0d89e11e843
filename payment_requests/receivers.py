"""Payment requests follow their platform invoice (webhooks and reconciliation)."""

from django.dispatch import receiver

from connectors.models import RemoteObject
from connectors.signals import remote_object_changed


@receiver(remote_object_changed, sender=RemoteObject)
def follow_remote_object(sender, remote_object, event, payment, changes, **kwargs):
    from payment_requests.services import apply_remote_change

    apply_remote_change(remote_object, payment=payment, changes=changes)
