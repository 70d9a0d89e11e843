"""Links that sign a client into its portal: one per message and recipient, used once.

A link's token is 256 random bits, stored as its SHA-256 only. Opening a usable link opens a
portal session of its client and lands on its ``target`` (a path under ``/portal/``, checked
when the link is made and again when it is followed: a link never redirects elsewhere).
A link to a document the portal no longer shows (a canceled invoice, a withdrawn quote) is
dead: it signs no one in (``is_dead``).
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from client_portal import invoices
from client_portal.models import PortalLink
from payment_requests.services.common import current_tenant
from quotes.models import Quote
from tenants.urls_helpers import account_url

PORTAL_PREFIX = "/portal/"
# The portal's pages of one document (client_portal/urls.py), by URL name.
INVOICE_PAGES = {"invoice", "invoice_pdf", "pay"}
QUOTE_PAGES = {"quote", "quote_approve", "quote_decline"}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_portal_path(path: str) -> bool:
    """A path of this host's portal: no scheme, no other host, nothing to climb out with."""
    return (
        path.startswith(PORTAL_PREFIX)
        and "//" not in path
        and "\\" not in path
        and ".." not in path
        and all(char.isprintable() and not char.isspace() for char in path)
    )


def new_link(client, target: str, *, valid_for: timedelta, recipient: str = "") -> str:
    """A link of ``client`` (emailed to ``recipient``, by default its address) to ``target``;
    returns its token, which is never stored."""
    if not is_portal_path(target):
        raise ValueError(f"a portal link leads into the portal, not to {target!r}")
    token = secrets.token_urlsafe(32)
    PortalLink.objects.create(
        client=client,
        recipient=recipient or client.email,
        token_hash=hash_token(token),
        target=target,
        expires_at=timezone.now() + valid_for,
    )
    return token


def link_url(token: str) -> str:
    return account_url(current_tenant(), reverse("client_portal:open_link", args=[token]))


def document_link_url(client, target: str, recipient: str = "") -> str:
    """A link into the portal sent to ``recipient`` (by default the client's email address),
    valid PORTAL_LINK_VALID_DAYS."""
    valid_for = timedelta(days=settings.PORTAL_LINK_VALID_DAYS)
    return link_url(new_link(client, target, valid_for=valid_for, recipient=recipient))


def lazy_document_link(client, target: str, recipient: str = ""):
    """The link, made the first time a template reads it (a message already sent, and so not
    rendered again, makes none); then the same link for each part of the email."""
    return functools.cache(lambda: document_link_url(client, target, recipient))


def document_links(client, target: str) -> dict:
    """The context of a document's messages: ``portal_url`` for the email, ``sms_portal_url``
    for the SMS to the client's mobile. A link of its own each (its recipient is the one
    address it went to), made only if that message is rendered."""
    return {
        "portal_url": lazy_document_link(client, target),
        "sms_portal_url": lazy_document_link(client, target, str(client.mobile or "")),
    }


def find(token: str) -> PortalLink | None:
    if not token or len(token) > 100:
        return None
    return PortalLink.objects.select_related("client").filter(token_hash=hash_token(token)).first()


def claim(link: PortalLink) -> bool:
    """Mark ``link`` used, if it still can be; True for the one caller that did (two tabs
    opening it at once: one session)."""
    now = timezone.now()
    return bool(
        PortalLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now
        )
    )


def is_dead(link: PortalLink) -> bool:
    """Its target is a document of its client that the portal no longer shows: a canceled,
    expired or deleted (and unpayable) invoice, a withdrawn quote; or none of its client's."""
    try:
        match = resolve(link.target, urlconf="client_portal.urls")
    except Resolver404:
        return False  # not a document's page: the portal answers it as any other
    pk = match.kwargs.get("pk")
    if pk is None:
        return False
    if match.url_name in INVOICE_PAGES:
        item = invoices.of_client(link.client).filter(pk=pk).first()
        return item is None or not invoices.is_shown(item)
    if match.url_name in QUOTE_PAGES:
        sent = Quote.objects.filter(client=link.client).exclude(status=Quote.Status.DRAFT)
        quote = sent.filter(pk=pk).first()
        return quote is None or quote.status == Quote.Status.CANCELED
    return False
