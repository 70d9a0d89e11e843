"""What billing listens to: a remote invoice or payment link changed (after commit)."""

from django.dispatch import Signal

# kwargs: remote_object (RemoteObject), event (WebhookEvent), payment (RemotePayment | None),
#         changes (list[str]: "status", "amount_paid", "payment", "failure", "conflict")
remote_object_changed = Signal()
