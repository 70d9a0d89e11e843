"""The account's API keys: made (the secret shown once), revoked, and recognised.

A key is 256 random bits (``secrets.token_urlsafe(32)``) behind a short tag; only its SHA-256
is stored, so a copy of the database gives no usable key. Keys live in their account's schema:
a key of another account is not found here, whatever it is."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from charges.models import ApiKey

TAG = "chg_"
PREFIX_LENGTH = len(TAG) + 8
MAX_KEY_LENGTH = 200  # far above a real key's: longer headers are refused before hashing
# Writing last_used_at on every call would make each API call a write: once a minute is enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(name: str, actor=None) -> tuple[ApiKey, str]:
    """A new key and its secret, which is never stored nor shown again."""
    secret = TAG + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        name=name.strip()[:100],
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=hash_secret(secret),
        created_by=actor,
    )
    return key, secret


def revoke_key(pk: int) -> ApiKey:
    """From now on the key is refused; revoking it twice changes nothing."""
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=pk)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
    return key


def key_for(secret: str) -> ApiKey | None:
    """The active key of this account with this secret, or None."""
    if not secret or len(secret) > MAX_KEY_LENGTH or not secret.isascii():
        return None
    key = ApiKey.objects.filter(secret_hash=hash_secret(secret), revoked_at__isnull=True).first()
    if key is not None:
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_PRECISION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
    return key
