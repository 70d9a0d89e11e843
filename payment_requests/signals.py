"""What other apps may follow about a request, sent inside the transaction that changed it."""

from django.dispatch import Signal

# A request was paid (``paid=True``), or will never be (canceled, expired, or deleted before
# it was sent: ``paid=False``). Receivers write in the sender's transaction: the charges a
# request billed follow it (charges/receivers.py).
request_settled = Signal()

# A paid request is open again (a payment recorded by hand was undone): what its payment
# marked paid is owed again.
request_reopened = Signal()
