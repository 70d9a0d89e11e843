"""What billing listens to: remote invoices or payment links changed (after commit)."""

from django.dispatch import Signal

# kwargs: changed (list[remote_state.Changed], in the order the events were applied): each
# names the remote_object, the event (WebhookEvent), the payment it recorded (RemotePayment |
# None) and its changes (list[str]: "created", "status", "amount_paid", "payment", "failure",
# "conflict", "refund"). One event's changes (``apply``) or a worker's batch (``apply_many``).
remote_objects_changed = Signal()

# kwargs: connection, event (WebhookEvent with object_kind "subscription"). Sent inside the
# worker's transaction (inbox._handle); a receiver applies it and returns a note for the inbox.
subscription_event = Signal()
