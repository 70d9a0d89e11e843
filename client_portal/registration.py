"""Self-registration: anyone may ask to become a client of the account, while its settings
allow it (Settings → Client portal → Registration).

As on the sign-in page, the page never says whether an address is known: the request counts
(under the sign-in page's counters) and queues, whatever the address; the worker emails a
sign-in link to an address a client already has, else a link that confirms the address. No
client exists before that link is opened: a registration nobody confirms leaves one
``PortalRegistration`` row. Opening it makes one client whatever the clicks and races: one
UPDATE claims the link, and every registration of the address is locked while its client is
looked for and made, so two confirmed links of one address make one client.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from client_portal import links, sign_in
from client_portal.models import PortalRegistration, PortalSettings
from clients.models import Client
from notifications.notify import Recipient, notify
from payment_requests.services.common import current_tenant
from tenants.urls_helpers import account_url

log = logging.getLogger(__name__)

VALID_FOR = timedelta(hours=24)
DETAILS = ("name", "company", "email", "mobile", "language")


def is_open() -> bool:
    return PortalSettings.read().registration_enabled


def set_open(enabled: bool) -> PortalSettings:
    settings, _created = PortalSettings.objects.update_or_create(
        pk=PortalSettings.SINGLETON, defaults={"registration_enabled": enabled}
    )
    return settings


def ask_to_register(details: dict[str, str], *, client_ip: str) -> sign_in.Refused | None:
    """Queue the email that answers a registration (``DETAILS``, as the form cleaned them),
    unless asked too often; the caller answers the same either way."""
    refused = sign_in.within_address_limits(details["email"], client_ip)
    if refused is None:
        _queue({key: str(details.get(key) or "") for key in DETAILS})
    return refused


def _queue(details: dict[str, str]) -> None:
    from client_portal.tasks import email_registration_link

    try:
        email_registration_link.delay(connection.schema_name, details)
    except Exception:  # noqa: BLE001 - the broker is down: do it here rather than lose it
        log.warning("could not queue a portal registration email; sending now")
        email_registration_link_now(details)


def email_registration_link_now(details: dict[str, str]) -> str:
    """The worker's half: a sign-in link to a client's address, else a new registration and
    the link that confirms it. Returns which was sent ("sign_in", "confirm"), or "closed"
    when registration was switched off meanwhile."""
    if not is_open():
        return "closed"
    if sign_in.email_sign_in_link_now(details["email"]):
        return "sign_in"
    token = secrets.token_urlsafe(32)  # 256 bits; only its hash is kept
    PortalRegistration.objects.create(
        **{key: details[key] for key in DETAILS},
        token_hash=links.hash_token(token),
        expires_at=timezone.now() + VALID_FOR,
    )
    url = account_url(current_tenant(), reverse("client_portal:confirm_registration", args=[token]))
    notify(
        Recipient(email=details["email"], name=details["name"], language=details["language"]),
        "portal.registration",
        {"name": details["name"], "link_url": url, **sign_in.email_context(VALID_FOR)},
    )
    return "confirm"


def find(token: str) -> PortalRegistration | None:
    if not token or len(token) > 100:
        return None
    return PortalRegistration.objects.filter(token_hash=links.hash_token(token)).first()


def confirm(registration: PortalRegistration) -> Client | None:
    """The client ``registration`` signs in as, made now unless a client already has its
    address; None when its link was used or has expired."""
    now = timezone.now()
    with transaction.atomic():
        # Two links of one address opened at once: the second waits here, then finds the
        # client the first made.
        list(
            PortalRegistration.objects.select_for_update()
            .filter(email__iexact=registration.email)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        claimed = PortalRegistration.objects.filter(
            pk=registration.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not claimed:
            return None
        client = sign_in.client_for(registration.email) or Client.objects.create(
            name=registration.name,
            company=registration.company,
            email=registration.email,
            mobile=registration.mobile,
            language=registration.language,
        )
        PortalRegistration.objects.filter(pk=registration.pk).update(client=client)
    return client
