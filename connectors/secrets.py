"""Encryption at rest for platform credentials (OAuth tokens, API keys, webhook secrets).

Keys come from CONNECTOR_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first), never
from SECRET_KEY. Rotation: put a new key first, keep the old ones after it, run
``rotate()`` over the stored values, then drop the old keys.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted with any configured key."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("CONNECTOR_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "CONNECTOR_ENCRYPTION_KEYS must hold Fernet keys (Fernet.generate_key())."
        ) from exc


def _current() -> MultiFernet:
    return _fernet(tuple(settings.CONNECTOR_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("no configured key decrypts this secret") from exc


def rotate(token: str) -> str:
    """The same secret, encrypted with the newest key."""
    try:
        return _current().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("no configured key decrypts this secret") from exc
