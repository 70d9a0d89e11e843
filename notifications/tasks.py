"""Workers: hand recorded messages over (``delivery.py``), and sweep up what no task will."""

from __future__ import annotations

from celery import shared_task
from django.utils import translation
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from billing_saas.languages import account_language
from notifications import delivery
from tenants.tasking import TenantRequired, tenant_task


# acks_late (the setting): a worker that dies mid-task leaves the task to another, which finds
# the message claimed and settles it (delivery.py) instead of sending it twice.
@shared_task
def deliver_message(schema_name: str, pk: int) -> str:
    """One attempt at message ``pk`` of the account whose schema is ``schema_name`` (or of the
    root domain: its sign-in links)."""
    if schema_name == get_public_schema_name():
        with schema_context(schema_name):
            return delivery.attempt(pk).status
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(schema_name=schema_name, is_active=True).first()
    if tenant is None:
        raise TenantRequired(f"deliver_message: no active account with schema {schema_name!r}.")
    # In the account's language: a note the attempt writes is read on its pages.
    with tenant_context(tenant), translation.override(account_language(tenant)):
        return delivery.attempt(pk).status


@tenant_task(ignore_result=False)  # its count is read (operators, tests)
def sweep_messages(tenant) -> int:
    return delivery.sweep()
