"""Work that runs later but must still run in the account it was planned in."""

from django.db import connection, transaction
from django_tenants.utils import schema_context


def on_commit_here(callback) -> None:
    """``transaction.on_commit`` that runs ``callback`` in the schema active now.

    Whoever commits (a request, a task, a test) may have left the account's schema by then;
    the callback still reads and writes that account's tables, never another's.
    """
    schema_name = connection.schema_name

    def run():
        if connection.schema_name == schema_name:  # still there: no schema switch to pay for
            callback()
            return
        with schema_context(schema_name):
            callback()

    transaction.on_commit(run)
