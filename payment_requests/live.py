"""The dashboard's live refresh: one version number per account, raised after every change.

The open dashboard asks every few seconds whether the version moved since it rendered; only
then is its live part rendered again. The number lives in the cache (keys carry the
account's schema), is raised when a change *commits* (a page that reads it can never miss a
change it has not shown yet), and what is derived from it (totals, counts) is cached under
it: repeated views of an unchanged account cost no scan of its requests. Saves are seen
through signals; a bulk ``update()`` of what the dashboard shows must call ``changed()``.
Each process also keeps the derived values it used lately, under the same version, so an
unchanged account's dashboard costs one Redis read (its version) per view.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django_tenants.utils import get_public_schema_name, schema_context
from redis.exceptions import RedisError

KEY = "client-billing:version"
DERIVED_TTL = 60 * 60
# With the cache down the dashboard still works: it computes everything on each view and
# the live refresh re-renders every time.
UNKNOWN = ""
# Derived values this process used lately (``derived``); all are dropped when this many are.
MAX_RECENT = 200
_recent: dict = {}
log = logging.getLogger(__name__)


def version() -> str:
    """The account's current version (set on first use, so a cache flush also reads as a
    change)."""
    try:
        current = cache.get(KEY)
        if current is None:
            current = str(time.time_ns())
            if not cache.add(KEY, current, timeout=None):
                current = cache.get(KEY) or current
    except RedisError as error:
        log.warning("dashboard version unavailable: %s", error)
        return UNKNOWN
    return str(current)


def changed() -> None:
    """Something the dashboard shows changed: raise the version now and once it commits.

    Now, so nothing computed from the old version is served again; at commit (once per
    transaction, however many rows it saves), so a page that read the version while the
    change was not yet visible refreshes once it is."""
    _raise_version()
    if not connection.in_atomic_block:
        return
    already = any(
        getattr(entry[1], "raises_live_version", False) for entry in connection.run_on_commit
    )
    if not already:
        schema_name = connection.schema_name

        def at_commit():
            with schema_context(schema_name):
                _raise_version()

        at_commit.raises_live_version = True
        transaction.on_commit(at_commit)


def _raise_version() -> None:
    try:
        cache.set(KEY, str(time.time_ns()), timeout=None)
    except RedisError as error:  # pages compute everything until the cache is back
        log.warning("dashboard version not raised: %s", error)


def derived(name: str, compute, *parts: str, at: str):
    """``compute()``, kept until the version ``at`` moves (``parts`` tell variants apart).

    The value is shared by every caller in this process: read it, never change it."""
    if at == UNKNOWN:
        return compute()
    fingerprint = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
    key = f"client-billing:{name}:{at}:{fingerprint}"
    # The process's own copy first: the rendered list weighs ~20 kB, read from Redis at every
    # view otherwise. Keyed like the cache (the schema, the version), so it is only ever found
    # while ``at`` is the account's current version: never stale, never another account's;
    # and it is dropped after DERIVED_TTL, as the cache drops its own.
    recent_key = (connection.schema_name, key)
    now = time.monotonic()
    recent = _recent.get(recent_key)
    if recent is not None and now - recent[0] < DERIVED_TTL:
        return recent[1]
    try:
        value = cache.get(key)
    except RedisError:
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=DERIVED_TTL)
        except RedisError:
            pass
    if len(_recent) >= MAX_RECENT:
        _recent.clear()
    _recent[recent_key] = (now, value)
    return value


def forget_recent() -> None:
    """Drop this process's copies (tests that clear the cache)."""
    _recent.clear()


def _watched_models():
    from clients.models import Client
    from payment_requests.models import Attachment, Payment, PaymentRequest, StatusChange

    return (PaymentRequest, Client, Payment, StatusChange, Attachment)


def connect() -> None:
    from notifications.models import Message

    for model in _watched_models():
        post_save.connect(_on_change, sender=model, dispatch_uid=f"live-save-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"live-delete-{model.__name__}")
    post_save.connect(_on_message, sender=Message, dispatch_uid="live-save-Message")


def _on_message(sender, instance, **kwargs) -> None:
    """A request's message that failed (or arrived after all) changes its dashboard row."""
    if instance.document_type == "payment_request" and instance.status != "sending":
        _on_change(sender)


def _on_change(sender, **kwargs) -> None:
    if connection.schema_name != get_public_schema_name():
        changed()
