"""Portal sessions: a random key in a cookie of their own, its hash in ``PortalSession``.

Django's session (the staff's) is never read nor written here, so being signed in as a
member signs no one into the portal, and a portal cookie opens no staff page. The cookie is
host-only (one account's portal is never sent another's) and limited to ``/portal/``.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.shortcuts import redirect
from django.utils import timezone, translation

from billing_saas import languages
from client_portal.models import PortalSession

COOKIE_NAME = "portal_session"
COOKIE_PATH = "/portal/"
# last_seen_at is written at most this often: a page's every request need not write a row.
SEEN_EVERY = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def open_session(client, *, opened_by=None) -> tuple[PortalSession, str]:
    """A new session of ``client``; returns it and the key for its cookie (never stored)."""
    key = secrets.token_urlsafe(32)  # 256 bits
    now = timezone.now()
    session = PortalSession.objects.create(
        client=client,
        key_hash=hash_key(key),
        expires_at=now + timedelta(days=settings.PORTAL_SESSION_DAYS),
        last_seen_at=now,
        opened_by=opened_by,
    )
    return session, key


def current_session(request) -> PortalSession | None:
    """The browser's active portal session of this account, or None."""
    if hasattr(request, "_portal_session"):
        return request._portal_session
    key = request.COOKIES.get(COOKIE_NAME, "")
    session = None
    if key and len(key) <= 100:
        session = (
            PortalSession.objects.select_related("client")
            .filter(key_hash=hash_key(key), ended_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
    request._portal_session = session
    return session


def seen(session: PortalSession) -> None:
    now = timezone.now()
    if now - session.last_seen_at >= SEEN_EVERY:
        PortalSession.objects.filter(pk=session.pk).update(last_seen_at=now)


def end_session(session: PortalSession) -> None:
    PortalSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )


def set_cookie(response, session: PortalSession, key: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        key,
        max_age=int((session.expires_at - timezone.now()).total_seconds()),
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )


def delete_cookie(response) -> None:
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite=settings.SESSION_COOKIE_SAMESITE)


def speak_to(client) -> None:
    """The portal's pages are in the client's language, as its pay pages are."""
    translation.activate(languages.client_language(client))


def portal_client_required(view):
    """The view runs for a client signed into the portal (``request.portal_client``, in its
    language); anyone else is sent to the portal's sign-in page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        session = current_session(request)
        if session is None:
            return redirect("client_portal:sign_in")
        seen(session)
        request.portal_session = session
        request.portal_client = session.client
        speak_to(session.client)
        return view(request, *args, **kwargs)

    return wrapper
