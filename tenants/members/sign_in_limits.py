"""How django-axes throttles sign-in on an account's host (wired up in settings.py).

Members exist per account, so the same email can belong to two accounts: failures are counted
per (account schema, email) and, across all accounts, per IP address. Axes' tables live in the
public schema, which every account's search path reaches.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Max, Q
from django.shortcuts import render
from django.utils.translation import ngettext


def username_key(request, credentials: dict | None = None) -> str:
    """``<schema>:<email>``: the same address on two accounts is two user names to axes."""
    email = (credentials or {}).get("username")
    if email is None and request is not None:
        email = request.POST.get("username", "")
    return f"{connection.schema_name}:{(email or '').strip().lower()}"


def cool_off(request=None) -> timedelta:
    """The lock-out's length: SIGN_IN_COOL_OFF_MINUTES, doubled for every further
    AXES_FAILURE_LIMIT failures (tries made while locked out count too), up to a day."""
    base = timedelta(minutes=settings.SIGN_IN_COOL_OFF_MINUTES)
    failures = _failures(request) if request is not None else 0
    doublings = max(0, failures // settings.AXES_FAILURE_LIMIT - 1)
    return min(base * 2 ** min(doublings, 16), timedelta(days=1))


def _failures(request) -> int:
    from axes.models import AccessAttempt

    ip_address = getattr(request, "axes_ip_address", None)
    attempts = AccessAttempt.objects.filter(
        Q(username=username_key(request)) | Q(ip_address=ip_address)
    )
    return attempts.aggregate(most=Max("failures_since_start"))["most"] or 0


def locked_out(request, original_response=None, credentials=None):
    """The sign-in page's own answer when axes refuses: our layout, our words, status 429."""
    minutes = math.ceil(cool_off(request).total_seconds() / 60)
    message = ngettext(
        "Too many failed sign-in attempts. Try again in %(minutes)s minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}
    return render(
        request,
        "members/locked_out.html",
        {"message": message},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind our proxy the address it appended to X-Forwarded-For."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


def forget_failures_on_sign_in(sender, request, user, **kwargs) -> None:
    """A successful sign-in clears its own user name's failures, and nobody else's."""
    from axes.models import AccessAttempt

    if request is not None:
        AccessAttempt.objects.filter(
            username=username_key(request, {"username": user.get_username()})
        ).delete()
