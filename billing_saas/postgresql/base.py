"""django-tenants' PostgreSQL backend, whose connection health check sets the search path.

With CONN_HEALTH_CHECKS a persistent connection proves it still works before the first query
of each request, with a ``SELECT 1``: a round trip to the database. The statement after it is
django-tenants' ``SET search_path`` for the request's account (once per request, see
TENANT_LIMIT_SET_CALLS in settings). Here that ``SET`` is the health check: the server must
answer it just the same, so the check is as good, and a request makes one round trip fewer.
django-tenants then knows the path is set, exactly as if it had set it; a failed check closes
the connection as before, and the new connection sets its path afresh.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django_tenants.postgresql_backend import base as tenants_backend
from django_tenants.utils import get_limit_set_calls, quote_schema_name

Database = tenants_backend.original_backend.Database


class DatabaseWrapper(tenants_backend.DatabaseWrapper):
    def is_usable(self):
        paths = self._search_path_still_to_set()
        if paths is None:
            return super().is_usable()
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SET search_path = " + ",".join(map(quote_schema_name, paths)))
        except Database.Error:
            return False
        self.search_path_set_schemas = paths
        return True

    def _search_path_still_to_set(self) -> list[str] | None:
        """The path django-tenants would set at the next query, if it would set one."""
        if (
            self.connection is None
            or not get_limit_set_calls()  # then it sets one before every query anyway
            or self.search_path_set_schemas
            or self._setting_search_path
            or not self.schema_name
        ):
            return None
        try:
            return self._get_cursor_search_paths()
        except ValidationError:
            return None  # django-tenants refuses it at the next query, as without this
