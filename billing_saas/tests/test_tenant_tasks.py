"""Tenant tasks run in the schema they are given, explicitly, and refuse to run without one."""

import pytest
from celery import current_app

from tenants.periodic import beat_schedule
from tenants.tasking import TenantRequired
from tenants.tasks import dispatch_to_accounts, ping_account


def test_a_task_queued_for_alpha_reads_alphas_schema(accounts, running_worker):
    result = ping_account.delay(accounts["alpha"].schema_name).get(timeout=20)

    assert result == {"schema": "t_alpha", "account": "alpha", "owners": ["owner@alpha.example"]}


def test_a_task_queued_without_tenant_fails_loudly(accounts, running_worker):
    with pytest.raises(TenantRequired):
        ping_account.delay()
    with pytest.raises(TenantRequired, match="public schema"):
        ping_account.delay("public")


def test_a_worker_refuses_a_message_that_carries_no_tenant(accounts, running_worker):
    """Even a message sent around the guard (by name, with no arguments) fails in the worker."""
    result = current_app.send_task("tenants.tasks.ping_account", args=[])
    with pytest.raises(TenantRequired):
        result.get(timeout=20)
    unknown = current_app.send_task("tenants.tasks.ping_account", args=["t_does_not_exist"])
    with pytest.raises(TenantRequired, match="no active account"):
        unknown.get(timeout=20)


def test_beat_runs_one_dispatcher_per_registered_job():
    schedule = beat_schedule()
    entry = schedule["per-account:tenants.tasks.purge_expired_tokens"]
    assert entry["task"] == "tenants.tasks.dispatch_to_accounts"
    assert entry["args"] == ["tenants.tasks.purge_expired_tokens"]


def test_the_dispatcher_queues_the_job_once_per_active_account(accounts, db, monkeypatch):
    queued = []
    monkeypatch.setattr(
        current_app, "send_task", lambda name, args: queued.append((name, tuple(args)))
    )

    count = dispatch_to_accounts.apply(args=["tenants.tasks.purge_expired_tokens"]).get()

    assert count == len(queued)
    assert ("tenants.tasks.purge_expired_tokens", ("t_alpha",)) in queued
    assert ("tenants.tasks.purge_expired_tokens", ("t_beta",)) in queued
    assert all(args[0] != "public" for _, args in queued)
