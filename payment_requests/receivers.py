"""Payment requests follow their platform invoice (webhooks and reconciliation)."""

import logging

from django.dispatch import receiver

from connectors.models import RemoteObject
from connectors.signals import remote_objects_changed

log = logging.getLogger(__name__)


@receiver(remote_objects_changed, sender=RemoteObject)
def follow_remote_objects(sender, changed, **kwargs):
    """Each change in turn, on the request that follows its object.

    A worker's batch names many objects no request follows (invoices made on the platform
    itself): one query finds those a request follows, and only they are looked at. One
    request that cannot be updated is logged and does not keep the others from theirs."""
    from payment_requests.models import PaymentRequest
    from payment_requests.services import apply_remote_change

    if len(changed) > 1:
        followed = set(
            PaymentRequest.objects.filter(
                remote__in={change.remote_object.pk for change in changed}
            ).values_list("remote_id", flat=True)
        )
        changed = [change for change in changed if change.remote_object.pk in followed]
    for change in changed:
        obj = change.remote_object
        try:
            apply_remote_change(obj, payment=change.payment, changes=change.changes)
        except Exception:  # noqa: BLE001 - logged; the other requests are still updated
            log.exception("the request following %s was not updated", obj.remote_id)
