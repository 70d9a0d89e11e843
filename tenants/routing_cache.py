"""Which account a host name reaches, remembered by each process between requests.

The same memo holds the other facts nearly every request or task asks and that rarely
change: which account a platform account or a schema is, whether a solution is installed.

Every request needs the host → account answer, and it only changes when an account or a
domain does. Each process keeps the answers it looked up, tagged with a version kept in
Redis (the ``routing`` cache: one key for every process, never prefixed with a schema).
Saving, updating or deleting an account or a domain replaces that version, right away and
again once the change commits, so every process drops its answers at its next request.

If Redis cannot be reached, a process forgets what it remembered and asks the database at
every request until Redis answers again; an answer is also never kept longer than
``MAX_AGE``, in case a version change was lost with Redis.
"""

from __future__ import annotations

import copy
import logging
import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import caches
from django.db import connection, transaction
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

VERSION_KEY = "accounts-by-host:version"
MAX_AGE = 60.0  # seconds
MAX_HOSTS = 10_000  # unknown host names are remembered too; this bounds what they cost

_remembered: dict = {"version": None, "answers": {}}
_this_request: ContextVar[dict | None] = ContextVar("routing_version_this_request", default=None)


def account_for_host(hostname: str):
    """The ``Tenant`` that ``hostname`` reaches (a copy of its own), or ``None``."""
    return remembered_account(("host", hostname), lambda: _look_up(hostname))


def remembered_account(key: tuple, look_up):
    """``remembered`` for a ``Tenant``: each caller gets its own instance, so whatever a view
    or a task sets on it stays there."""
    tenant = remembered(key, look_up)
    return copy.copy(tenant) if tenant is not None else None


def remembered(key: tuple, look_up):
    """``look_up()``, remembered under ``key`` until accounts, domains or platform-account
    routes change (``accounts_changed``) or ``MAX_AGE`` passes."""
    version = _current_version()
    if version is None:
        forget()
        return look_up()
    if version != _remembered["version"]:
        _remembered.update(version=version, answers={})
    answers = _remembered["answers"]
    now = time.monotonic()
    entry = answers.get(key)
    if entry is None or now - entry[0] > MAX_AGE:
        if len(answers) >= MAX_HOSTS:
            answers.clear()
        entry = answers[key] = (now, look_up())
    return entry[1]


def forget() -> None:
    """Drop what this process remembers (the next request asks the database)."""
    _remembered.update(version=None, answers={})


def accounts_changed() -> None:
    """An account or a domain changed: every process asks again, now and after the commit
    (once per transaction)."""
    _new_version()
    pending = connection.run_on_commit if connection.in_atomic_block else []
    if not any(getattr(entry[1], "routing_changed", False) for entry in pending):

        def at_commit():
            _new_version()

        at_commit.routing_changed = True
        transaction.on_commit(at_commit)


def _look_up(hostname: str):
    from tenants.models import Domain

    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    return domain.tenant if domain is not None else None


@contextmanager
def one_read_per_request():
    """Within it (a request, a task), the version is read from Redis once, not at every
    question: the host, then whether a solution is installed, ask the same version."""
    token = _this_request.set({})
    try:
        yield
    finally:
        _this_request.reset(token)


def _current_version() -> str | None:
    seen = _this_request.get()
    if seen is not None and "version" in seen:
        return seen["version"]
    if seen is not None and "unreachable" in seen:
        return None  # asked once in this request already; Redis did not answer
    try:
        version = caches["routing"].get_or_set(VERSION_KEY, _token, timeout=None)
    except RedisError:
        log.warning("routing cache unreachable; looking accounts up in the database")
        if seen is not None:
            seen["unreachable"] = True
        return None
    if seen is not None:
        seen["version"] = version
    return version


def _new_version() -> None:
    forget()
    seen = _this_request.get()
    if seen is not None:
        seen.pop("version", None)  # this request's next question reads the new one
    try:
        caches["routing"].set(VERSION_KEY, _token(), timeout=None)
    except RedisError:
        log.warning("routing cache unreachable; other processes may route to the old account "
                    "for up to %s seconds", MAX_AGE)  # fmt: skip


def _token() -> str:
    return uuid.uuid4().hex


def connect_signals() -> None:
    """Saving or deleting an account, a domain, a platform-account route or a solution's
    installation changes what is remembered (``RoutingQuerySet`` covers bulk updates of
    accounts, domains and routes, which send no signal)."""
    from django.db.models.signals import post_delete, post_save

    from connectors.routing.models import AccountRoute
    from solutions.models import Installation
    from tenants.models import Domain, Tenant

    for model in (Tenant, Domain, AccountRoute, Installation):
        for signal in (post_save, post_delete):
            signal.connect(_changed, sender=model, dispatch_uid=f"routing-{model.__name__}")


def _changed(sender, **kwargs) -> None:
    accounts_changed()
