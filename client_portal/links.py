"""Links that sign a client into its portal: one per email and recipient, used once.

A link's token is 256 random bits, stored as its SHA-256 only. Opening a usable link opens a
portal session of its client and lands on its ``target`` (a path under ``/portal/``, checked
when the link is made and again when it is followed: a link never redirects elsewhere).
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from client_portal.models import PortalLink
from payment_requests.services.common import current_tenant
from tenants.urls_helpers import account_url

PORTAL_PREFIX = "/portal/"


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


def document_link_url(client, target: str) -> str:
    """An emailed link into the portal, valid PORTAL_LINK_VALID_DAYS."""
    valid_for = timedelta(days=settings.PORTAL_LINK_VALID_DAYS)
    return link_url(new_link(client, target, valid_for=valid_for))


def lazy_document_link(client, target: str):
    """The link, made the first time a template reads it (a message already sent, and so not
    rendered again, makes none); then the same link for each part of the email."""
    return functools.cache(lambda: document_link_url(client, target))


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
