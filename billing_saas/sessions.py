"""Django's database sessions, read with the signed-in member's row in one plain statement.

Each request with a session cookie reads its row (unexpired) from the account's own
``django_session`` table, then Django reads the member it names (``auth.get_user``). Built
through the ORM, each query cost more than running it. Here the session is read with plain
SQL, and, once this process has seen which member a session key belongs to, the same
statement reads that member's row too (a join on that id): one round trip instead of two.
The row is only used if the session, just read, does name that member, and only by
``auth.get_user`` of the same request (``AuthenticationMiddleware``): it is as fresh as a
separate query. The rest (writes, deletions, key rotation, ``clearsessions``) is Django's
``db`` store, unchanged.

Sessions stay in the database, not the cache: see the sessions comment in settings.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.contrib import auth
from django.contrib.auth import middleware as auth_middleware
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

# Which member each session key signed in, per schema: what to join at its next read. A wrong
# or outdated guess only costs the separate query; bounded like tenants/routing_cache.py.
MAX_KEYS = 10_000
_member_of: dict[tuple[str, str], int] = {}
_session_of_this_user_lookup: ContextVar[SessionStore | None] = ContextVar(
    "session_of_this_user_lookup", default=None
)


class SessionStore(db.SessionStore):
    member_row = None  # (schema, member id, their row), read with the session

    def load(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        schema = connection.schema_name
        member = _member_of.get((schema, self.session_key))
        columns = _user_columns(connection) if member is not None else None
        session = connection.ops.quote_name(model._meta.db_table)
        condition = 's."session_key" = %s AND s."expire_date" > %s'
        params = [self.session_key, timezone.now()]
        if columns is None:
            sql = f'SELECT s."session_data" FROM {session} s WHERE {condition}'
        else:
            opts, quote = auth.get_user_model()._meta, connection.ops.quote_name
            sql = (
                f'SELECT s."session_data", {", ".join(columns.sql)} FROM {session} s '
                f"LEFT JOIN {quote(opts.db_table)} u ON u.{quote(opts.pk.column)} = %s "
                f"WHERE {condition}"
            )
            params.insert(0, member)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's store: a new key if the session is saved
            return {}
        data = self.decode(row[0])
        named = _member_id(data)
        if named is not None:
            if len(_member_of) >= MAX_KEYS:
                _member_of.clear()
            _member_of[(schema, self.session_key)] = named
        self.member_row = None
        if columns is not None and named == member and row[1] is not None:
            self.member_row = (schema, member, row[1:])
        return data


def _user_columns(connection):
    from tenants.members.models import user_row_columns

    return user_row_columns(connection, "u")


def _member_id(data: dict):
    """The member the session signed in, as ``auth.get_user`` reads it; ``None`` if none."""
    try:
        return auth.get_user_model()._meta.pk.to_python(data[auth.SESSION_KEY])
    except (KeyError, ValidationError):
        return None


def user_row_read_with_the_session(connection, pk) -> tuple | None:
    """The member's row read with the session of the request whose user Django is looking
    up right now, if that is member ``pk`` in this schema; once."""
    store = _session_of_this_user_lookup.get()
    read = getattr(store, "member_row", None)
    if read is None or read[:2] != (connection.schema_name, pk):
        return None
    store.member_row = None
    return read[2]


def _signed_in_user(request):
    # django.contrib.auth.middleware.get_user, with the session's member row at hand.
    if not hasattr(request, "_cached_user"):
        token = _session_of_this_user_lookup.set(request.session)
        try:
            request._cached_user = auth.get_user(request)
        finally:
            _session_of_this_user_lookup.reset(token)
    return request._cached_user


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, whose ``request.user`` may use the member row read with the session."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _signed_in_user(request))
