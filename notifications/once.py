"""At most once per key: the idempotency of every message that must not reach anyone twice."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction


def send_once(key: str, send: Callable[[], None]) -> bool:
    """Call ``send()`` unless a message under ``key`` went out already; True if it was called.

    The ``SentEmail`` row commits with a successful send only, so a failed send leaves the
    key free for a retry, and a retry of a send that went through sends nothing (a concurrent
    attempt waits on the unique index, then finds the row). The one duplicate left possible:
    a crash after the server accepted the message and before the commit; we prefer it to a
    lost message.
    """
    from notifications.models import SentEmail

    with transaction.atomic():
        try:
            with transaction.atomic():
                SentEmail.objects.create(key=key)
        except IntegrityError:
            return False
        send()
    return True
