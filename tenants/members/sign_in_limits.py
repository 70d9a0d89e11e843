"""How django-axes throttles sign-in on an account's host (wired up in settings.py).

Members exist per account, so the same email can belong to two accounts: failures are counted
per (account schema, email) and, across all accounts, per IP address (with a higher limit).
Axes' tables live in the public schema, which every account's search path reaches.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext


def username_key(request, credentials: dict | None = None) -> str:
    """``<schema>:<email>``: the same address on two accounts is two user names to axes."""
    email = (credentials or {}).get("username")
    if email is None and request is not None:
        email = request.POST.get("username", "")
    return f"{connection.schema_name}:{(email or '').strip().lower()}"


def lockout_parameters(request_or_attempt, credentials=None) -> list[str]:
    """Always per (account, email); per IP address too once that address has failed
    SIGN_IN_IP_FAILURE_LIMIT times, whatever the emails and accounts. That limit is higher:
    an office behind one address is not locked out by a few colleagues' typos, while one
    address guessing many emails is stopped."""
    ip_address = _ip_of(request_or_attempt)
    if ip_address and _failures_from(ip_address) >= settings.SIGN_IN_IP_FAILURE_LIMIT:
        return ["username", "ip_address"]
    return ["username"]


def cool_off(request=None) -> timedelta:
    """The lock-out's length: SIGN_IN_COOL_OFF_MINUTES, doubled for every further limit's
    worth of failures (tries made while locked out count too), up to a day."""
    base = timedelta(minutes=settings.SIGN_IN_COOL_OFF_MINUTES)
    steps = 0
    if request is not None:
        steps = max(
            _failures_of_user(request) // settings.AXES_FAILURE_LIMIT,
            _failures_from(_ip_of(request)) // settings.SIGN_IN_IP_FAILURE_LIMIT,
        )
    doublings = max(0, steps - 1)
    return min(base * 2 ** min(doublings, 16), timedelta(days=1))


def _ip_of(request_or_attempt) -> str | None:
    return getattr(request_or_attempt, "axes_ip_address", None) or getattr(
        request_or_attempt, "ip_address", None
    )


def _failures_of_user(request) -> int:
    from axes.models import AccessAttempt

    attempts = _unexpired(AccessAttempt.objects.filter(username=username_key(request)))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def _failures_from(ip_address: str | None) -> int:
    from axes.models import AccessAttempt

    if not ip_address:
        return 0
    attempts = _unexpired(AccessAttempt.objects.filter(ip_address=ip_address))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def _unexpired(attempts):
    return attempts.filter(
        Q(expiration__isnull=True) | Q(expiration__expires_at__gt=timezone.now())
    )


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


def forget_failures_on_sign_in(sender, request, user, **kwargs) -> None:
    """A successful sign-in clears its own user name's failures, and nobody else's."""
    from axes.models import AccessAttempt

    if request is not None:
        AccessAttempt.objects.filter(
            username=username_key(request, {"username": user.get_username()})
        ).delete()
