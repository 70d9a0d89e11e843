"""How a request's client is told: by email, by SMS, or both, as chosen when it was written.

Email always reaches a client (its address is required), so it is the fallback: a request
meant for SMS alone goes by email when SMS cannot reach the client, and the sender is told
why (``sms_problem``) instead of the client getting nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from notifications import sms
from payment_requests.models import PaymentRequest

NotifyBy = PaymentRequest.NotifyBy


def sms_problem(request: PaymentRequest) -> str:
    """Why SMS cannot reach the request's client now; "" when it can."""
    client = request.client
    if not sms.configured():
        return _("SMS sending is not configured")
    if not client.mobile:
        return _("%(name)s has no valid mobile number") % {"name": client.name}
    if client.sms_opted_out:
        return _("%(name)s opted out of SMS (they texted STOP)") % {"name": client.name}
    return ""


def wants_sms(request: PaymentRequest) -> bool:
    """Whether the person who wrote the request asked for an SMS."""
    return request.notify_by in (NotifyBy.SMS, NotifyBy.BOTH)


def channels_for(request: PaymentRequest) -> set[str] | None:
    """The channels of the request's own messages (sent, reminders); ``None``: every channel
    that reaches the client, as the client's record says."""
    if request.notify_by == NotifyBy.CLIENT:
        return None
    if request.notify_by == NotifyBy.EMAIL:
        return {"email"}
    if request.notify_by == NotifyBy.SMS and not sms_problem(request):
        return {"sms"}
    return {"email", "sms"}
