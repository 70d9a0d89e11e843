"""The dev outbox at /dev/outbox/ (only mounted when DEV_OUTBOX is on, never in production).

It shows every email an account sent, reset and invitation links included, so it is for that
account's billing administrators. No one signs in on the root domain: its outbox (sign-up,
"find my account") is for the developer at the machine itself (a loopback address, with no
proxy in between) and for superusers.
"""

import ipaddress
from email import message_from_bytes, policy
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django_tenants.utils import get_public_schema_name

from notifications.models import OutboxMessage


def outbox_reader_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        on_root_domain = connection.schema_name == get_public_schema_name()
        if not user.is_authenticated and not on_root_domain:
            return redirect_to_login(request.get_full_path())
        if on_root_domain and _from_this_machine(request):
            return view(request, *args, **kwargs)
        if not (user.is_superuser or (not on_root_domain and user.is_billing_admin)):
            raise PermissionDenied(_("The dev outbox is for billing administrators only."))
        return view(request, *args, **kwargs)

    return wrapper


def _from_this_machine(request) -> bool:
    """A browser on the developer's own machine: a loopback address, and no proxy (behind a
    proxy every request would seem to come from the machine itself)."""
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def _attachments(message: OutboxMessage) -> list:
    parsed = message_from_bytes(bytes(message.raw), policy=policy.default)
    return list(parsed.iter_attachments())


@outbox_reader_required
def outbox(request):
    messages = OutboxMessage.objects.defer("raw", "body_html", "body_text")
    page = Paginator(messages, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page": page})


@outbox_reader_required
def message(request, pk):
    item = get_object_or_404(OutboxMessage, pk=pk)
    attachments = [
        {
            "index": i,
            "name": part.get_filename() or f"attachment-{i}",
            "type": part.get_content_type(),
        }
        for i, part in enumerate(_attachments(item))
    ]
    return render(
        request, "notifications/outbox_message.html", {"item": item, "attachments": attachments}
    )


@outbox_reader_required
@xframe_options_sameorigin
def message_html(request, pk):
    """The HTML part alone, shown in a sandboxed iframe with scripts disabled."""
    item = get_object_or_404(OutboxMessage, pk=pk)
    response = HttpResponse(item.body_html or "<p>(no HTML part)</p>")
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src * data:; style-src 'unsafe-inline'"
    )
    return response


@outbox_reader_required
def attachment(request, pk, index):
    item = get_object_or_404(OutboxMessage, pk=pk)
    parts = _attachments(item)
    if index >= len(parts):
        raise Http404
    part = parts[index]
    response = HttpResponse(
        part.get_content()
        if part.get_content_maintype() != "text"
        else part.get_content().encode(),
        content_type="application/octet-stream",
    )
    filename = (part.get_filename() or f"attachment-{index}").replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
