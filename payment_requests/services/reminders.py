"""Reminding a client of a sent, unpaid request (by hand, or by the daily schedule)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing_saas.refusals import ActionRefused
from payment_requests.models import Reminder
from payment_requests.services.common import lock
from payment_requests.services.emails import email_later
from payment_requests.services.links import link_url, new_link


def remind(pk: int, *, actor=None, step: str = "", request_host=None) -> bool:
    """Email the client a reminder; an automatic ``step`` is sent at most once."""
    with transaction.atomic():
        request = lock(pk)
        if not request.can_be_reminded:
            raise ActionRefused(_("Only sent, unpaid requests can be reminded."))
        step = step or f"manual-{timezone.now():%Y%m%d%H%M%S%f}"
        if Reminder.objects.filter(request=request, step=step).exists():
            return False
        Reminder.objects.create(request=request, step=step, sent_by=actor)
        # Our email is the reminder. The platforms' own "send again" (Stripe's /send,
        # QuickBooks' send) would email the client a second time, so they are not asked.
        email_later(request.pk, "reminder", link_url(request, new_link(request), request_host))
    return True
