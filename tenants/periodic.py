"""Periodic jobs that run once per account.

An app registers a job with ``register_tenant_job`` (from its AppConfig.ready or a module it
imports there); Celery beat then runs one dispatcher per job, which queues the job's tenant
task for every active account, each with its own schema name.
"""

from __future__ import annotations

from dataclasses import dataclass

from celery.schedules import crontab


@dataclass(frozen=True)
class TenantJob:
    task_name: str
    schedule: crontab


_REGISTRY: dict[str, TenantJob] = {}


def register_tenant_job(task_name: str, schedule: crontab) -> None:
    _REGISTRY[task_name] = TenantJob(task_name, schedule)


def registered_jobs() -> list[TenantJob]:
    return list(_REGISTRY.values())


def beat_schedule() -> dict:
    return {
        f"per-account:{job.task_name}": {
            "task": "tenants.tasks.dispatch_to_accounts",
            "schedule": job.schedule,
            "args": [job.task_name],
        }
        for job in registered_jobs()
    }
