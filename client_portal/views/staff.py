"""A member opens the portal as one of the account's clients, to see what it sees.

The member's browser gets a portal session of that client (``PortalSession.opened_by``: the
member), in a new tab, for an hour only: every portal page then says whose portal it is and
who is looking, with a way out. The session rows are the record: the client's page lists who
opened its portal and when (``templatetags/portal_staff.py``).
"""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from client_portal import invoices, sessions
from client_portal.models import PortalSession
from clients.models import Client
from payment_requests.access import billing_access_required
from payment_requests.models import PaymentRequest

# Long enough to look around; short, as a member's browser holds the client's way in.
STAFF_SESSION = timedelta(hours=1)


@require_POST
@billing_access_required
def open_portal(request, pk):
    client = get_object_or_404(Client, pk=pk)
    return _open_as(request, client, "/portal/")


@require_POST
@billing_access_required
def open_invoice_portal(request, pk):
    item = get_object_or_404(PaymentRequest.objects.select_related("client"), pk=pk)
    target = invoices.portal_path(item) if invoices.is_shown(item) else "/portal/invoices/"
    return _open_as(request, item.client, target)


def _open_as(request, client, target: str):
    previous = sessions.current_session(request)
    if previous is not None:  # this browser was in a portal already: it leaves that one
        sessions.end_session(previous)
    session, key = sessions.open_session(client, opened_by=request.user)
    session.expires_at = timezone.now() + STAFF_SESSION
    PortalSession.objects.filter(pk=session.pk).update(expires_at=session.expires_at)
    response = redirect(target)
    sessions.set_cookie(response, session, key)
    return response
