"""Celery tasks that run inside one account's schema.

A tenant task always receives the account's schema name as its first argument, explicitly:
nothing is inferred from whatever schema the caller happened to be in. Calling one without a
schema, with the public schema, or with an unknown account fails loudly, both when it is
queued and when a worker runs it.
"""

from __future__ import annotations

from celery import Task, shared_task
from django.utils import translation
from django_tenants.utils import get_public_schema_name, tenant_context

from billing_saas.languages import account_language


class TenantRequired(RuntimeError):
    """A tenant task was queued or run without a valid account."""


def _check_schema_name(task_name: str, args) -> str:
    schema_name = args[0] if args else None
    if not isinstance(schema_name, str) or not schema_name:
        raise TenantRequired(f"{task_name} needs the account's schema name as first argument.")
    if schema_name == get_public_schema_name():
        raise TenantRequired(f"{task_name} must not run in the public schema.")
    return schema_name


class TenantTask(Task):
    abstract = True

    def apply_async(self, args=None, kwargs=None, **options):
        _check_schema_name(self.name, args or ())
        return super().apply_async(args, kwargs, **options)

    def __call__(self, *args, **kwargs):
        from tenants.routing_cache import one_read_per_request

        with one_read_per_request():
            return self._run_in_account(*args, **kwargs)

    def _run_in_account(self, *args, **kwargs):
        from tenants.models import Tenant
        from tenants.routing_cache import remembered_account

        schema_name = _check_schema_name(self.name, args)
        # Remembered by the worker process like a host name by a web process, and forgotten
        # as soon as an account changes (a deactivated account runs no more tasks).
        tenant = remembered_account(
            ("schema", schema_name),
            lambda: Tenant.objects.filter(schema_name=schema_name, is_active=True).first(),
        )
        if tenant is None:
            raise TenantRequired(f"{self.name}: no active account with schema {schema_name!r}.")
        # In the account's language: what a task writes for people to read later (a platform
        # error on a request, a note for billing administrators) reads as the account does.
        with tenant_context(tenant), translation.override(account_language(tenant)):
            return self.run(tenant, *args[1:], **kwargs)


def tenant_task(*args, **options):
    """Declare a task ``def job(tenant, ...)``; queue it with ``job.delay(schema_name, ...)``."""
    options.setdefault("base", TenantTask)
    return shared_task(*args, **options)
