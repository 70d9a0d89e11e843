"""The workers' side of recurring invoices: each account's tick."""

from __future__ import annotations

from recurring import auto_charge, engine
from tenants.tasking import tenant_task


@tenant_task(ignore_result=False)  # its report is read (operators, tests)
def tick(tenant) -> dict:
    """Every five minutes, per account: send the cycles' drafts still waiting, then make and
    send each invoice whose send time has come."""
    return {"account": tenant.slug, **engine.tick()}


@tenant_task(ignore_result=False)
def charge_due(tenant) -> dict:
    """Every five minutes, per account: each auto-billed invoice whose try has come."""
    return {"account": tenant.slug, **auto_charge.run_due()}
