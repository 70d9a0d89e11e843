"""The account's clients: who documents are sent to."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from clients.models import Client, SmsKeyword


def save_client(form) -> Client:
    """``form`` is a valid ``ClientForm`` (a new client, or changes to one)."""
    return form.save()


def record_sms_keyword(message_sid: str, mobile: str, opted_out: bool) -> int:
    """In the active account, the clients with ``mobile`` texted STOP (``opted_out``) or START;
    returns how many clients changed. Once per Twilio message: a replayed ``message_sid``
    changes nothing, so an old STOP delivered again cannot undo a later START."""
    clients = Client.objects.filter(mobile=mobile)
    if not clients.exists():
        return 0
    with transaction.atomic():
        try:
            with transaction.atomic():
                SmsKeyword.objects.create(
                    message_sid=message_sid, mobile=mobile, opted_out=opted_out
                )
        except IntegrityError:
            return 0
        if opted_out:
            # The first STOP's time stays: it is when SMS stopped.
            return clients.filter(sms_opted_out=False).update(
                sms_opted_out=True, sms_opted_out_at=timezone.now()
            )
        return clients.filter(sms_opted_out=True).update(sms_opted_out=False, sms_opted_out_at=None)
