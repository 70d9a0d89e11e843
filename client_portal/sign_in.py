"""Sign-in links by email: from the portal's sign-in page, and fresh ones for old links.

The page never says whether an address is known. The look-up and the email are the
worker's (``tasks.email_sign_in_link``): the request only counts and queues, so it does the
same work and takes the same time for every address. Requests are counted per address and
per IP in fixed windows, in the cache (whose keys carry the account's schema).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from client_portal import links
from clients.models import Client
from notifications.notify import Recipient, notify
from payment_requests.models import BillingSettings
from payment_requests.services.common import current_tenant
from payment_requests.services.emails import sender_address
from tenants.urls_helpers import account_url

log = logging.getLogger(__name__)

WINDOW_SECONDS = 15 * 60
PER_ADDRESS = 3
PER_IP = 20
PER_LINK = 3  # fresh links asked from one old link


@dataclass(frozen=True)
class Refused:
    """Too many requests: the page says when to try again."""

    minutes: int


def _now() -> float:
    return time.time()


def _count(key: str, limit: int) -> int | None:
    """One more request under ``key`` in this window: None while within ``limit``, else the
    seconds until the window ends."""
    now = _now()
    window = int(now // WINDOW_SECONDS)
    full_key = f"portal-sign-in:{key}:{window}"
    cache.add(full_key, 0, WINDOW_SECONDS + 60)
    try:
        count = cache.incr(full_key)
    except ValueError:  # expired between add() and incr()
        cache.set(full_key, 1, WINDOW_SECONDS + 60)
        count = 1
    return None if count <= limit else (window + 1) * WINDOW_SECONDS - now


def within_limits(*keys: tuple[str, int]) -> Refused | None:
    """Count the request under every key (so no limit is dodged through another)."""
    waits = [wait for key, limit in keys if (wait := _count(key, limit)) is not None]
    if waits:
        return Refused(minutes=max(1, math.ceil(max(waits) / 60)))
    return None


def _digest(text: str) -> str:
    return hashlib.sha256(text.strip().lower().encode()).hexdigest()


def within_address_limits(email: str, client_ip: str) -> Refused | None:
    """Count a request that emails ``email`` from ``client_ip`` (the sign-in page's, and the
    registration page's under the same counters: neither page dodges the other's limits)."""
    return within_limits((f"ip:{client_ip}", PER_IP), (f"address:{_digest(email)}", PER_ADDRESS))


def ask_for_link(email: str, *, client_ip: str) -> Refused | None:
    """Queue the sign-in email of ``email`` (sent only if a client has it), unless asked too
    often; the caller answers the same either way."""
    refused = within_address_limits(email, client_ip)
    if refused is None:
        _queue(email.strip())
    return refused


def ask_for_fresh_link(link, *, client_ip: str) -> Refused | None:
    """Email ``link``'s recipient a new link to its target, when the client still has that
    address (a client whose address changed is not sent to its old one). A link texted to
    the client's mobile: the new one goes to its email address, if that number is still its
    own (a text costs money, and the address is where sign-in links always go)."""
    refused = within_limits((f"ip:{client_ip}", PER_IP), (f"link:{link.pk}", PER_LINK))
    if refused is None and still_reaches(link):
        send_link(link.client, link.target, timedelta(days=settings.PORTAL_LINK_VALID_DAYS))
    return refused


def still_reaches(link) -> bool:
    client = link.client
    if link.was_texted:
        return bool(client.email) and str(client.mobile or "") == link.recipient
    return client.email.lower() == link.recipient.lower()


def _queue(email: str) -> None:
    from django.db import connection

    from client_portal.tasks import email_sign_in_link

    try:
        email_sign_in_link.delay(connection.schema_name, email)
    except Exception:  # noqa: BLE001 - the broker is down: do it here rather than lose it
        log.warning("could not queue a portal sign-in link; sending now")
        email_sign_in_link_now(email)


def client_for(email: str) -> Client | None:
    """The client of ``email``: several clients may share one address (a person billed for
    two companies); the link signs in as the most recently created one."""
    if not email:
        return None
    return Client.objects.filter(email__iexact=email).order_by("-created_at", "-pk").first()


def email_sign_in_link_now(email: str) -> bool:
    client = client_for(email)
    if client is None:
        return False
    valid_for = timedelta(minutes=settings.PORTAL_SIGN_IN_LINK_MINUTES)
    send_link(client, reverse("client_portal:home"), valid_for)
    return True


def send_link(client, target: str, valid_for: timedelta) -> None:
    """Email ``client`` a new link into its portal, recorded and handed to the worker."""
    url = links.link_url(links.new_link(client, target, valid_for=valid_for))
    notify(
        Recipient.for_client(client),
        "portal.sign_in",
        {"client": client, "link_url": url, **email_context(valid_for)},
    )


def email_context(valid_for: timedelta) -> dict:
    """What every portal email shows around its link: the account's brand and sender, when
    it was sent and when its link expires."""
    now = timezone.now()
    branding = BillingSettings.objects.order_by("pk").first() or BillingSettings()
    tenant = current_tenant()
    logo = account_url(tenant, reverse("payment_requests:brand_logo")) if branding.logo else ""
    return {
        "account_name": tenant.name,
        "sent_at": now,
        "expires_at": now + valid_for,
        "brand_color": branding.brand_color,
        "brand_logo_url": logo,
        "from_email": sender_address(branding.sender_name or tenant.name),
    }
