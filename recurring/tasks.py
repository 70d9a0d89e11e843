"""The workers' side of recurring invoices: each account's tick."""

from __future__ import annotations

from recurring import engine
from tenants.tasking import tenant_task


@tenant_task(ignore_result=False)  # its report is read (operators, tests)
def tick(tenant) -> dict:
    """Every five minutes, per account: send the cycles' drafts still waiting, then make and
    send each invoice whose send time has come."""
    return {"account": tenant.slug, **engine.tick()}
