"""The address a request came from, for limits counted per client (sign-in, "find my
account")."""

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind our proxy the last address in X-Forwarded-For: the one the
    proxy appended (earlier ones could be forged by the client)."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")
