"""Emailing people the sign-in links of the accounts they belong to ("find my account").

The page never says whether an address is known: only its owner learns it, from the email.
The look-up (every account's members) and the email run in the worker, so the answer takes
the same time either way, however many accounts there are. Requests are counted per address
and per IP, so the form can neither flood an inbox nor probe addresses in bulk; the counters
live in the cache under the public schema's keys.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django_tenants.utils import get_public_schema_name, schema_context

from notifications.notify import Recipient, notify
from tenants.members.models import User
from tenants.models import Tenant
from tenants.services import active_tenants
from tenants.urls_helpers import account_url, root_url

logger = logging.getLogger(__name__)

LINKS_PER_ADDRESS = 3
LINKS_PER_IP = 20
WINDOW_SECONDS = 60 * 60


def accounts_of(email: str) -> list[Tenant]:
    """The active accounts where ``email`` is an active member: one small query per account."""
    found = []
    for tenant in active_tenants().only("schema_name", "slug", "name"):
        with schema_context(tenant.schema_name):
            if User.objects.filter(email__iexact=email, is_active=True).exists():
                found.append(tenant)
    return found


def request_account_links(email: str, *, client_ip: str) -> bool:
    """Queue the email of ``email``'s sign-in links, unless the address or the IP asked too
    often in the last hour; True when queued. Callers show the same answer either way."""
    from tenants.tasks import email_account_links

    email = email.strip().lower()
    address_key = "account-links:address:" + hashlib.sha256(email.encode()).hexdigest()
    # Both counters move on every request, so neither limit can be dodged through the other.
    within_limits = [
        _within_limit(address_key, LINKS_PER_ADDRESS),
        _within_limit(f"account-links:ip:{client_ip}", LINKS_PER_IP),
    ]
    if not all(within_limits):
        logger.warning("account links: request limit reached (IP %s)", client_ip)
        return False
    email_account_links.delay(email, translation.get_language())
    return True


def email_account_links(email: str, language: str = "") -> bool:
    """Email ``email`` the sign-in link of each account it belongs to, in the ``language``
    of the page it was asked from; True when one was sent (nothing goes to an address no
    account knows)."""
    accounts = accounts_of(email)
    if not accounts:
        return False
    sign_in = reverse("members:login", urlconf=settings.ROOT_URLCONF)
    links = [{"name": tenant.name, "url": account_url(tenant, sign_in)} for tenant in accounts]
    find_account = reverse("find_account", urlconf=settings.PUBLIC_SCHEMA_URLCONF)
    notify(
        Recipient(email=email, language=language),
        "account.sign_in_links",
        {"accounts": links, "find_account_url": root_url(find_account)},
    )
    return True


def _within_limit(key: str, limit: int) -> bool:
    """Count one more request under ``key``; False once more than ``limit`` in the window."""
    with schema_context(get_public_schema_name()):  # cache keys carry the schema's name
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, WINDOW_SECONDS)
            count = 1
    return count <= limit
