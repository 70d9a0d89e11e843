"""The Celery app. Tenant tasks are declared with ``tenants.tasking.tenant_task``."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billing_saas.settings")

app = Celery("billing_saas")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_tenant_jobs(sender, **kwargs):
    from tenants.periodic import beat_schedule

    sender.conf.beat_schedule = {**sender.conf.beat_schedule, **beat_schedule()}


@signals.task_prerun.connect
@signals.task_postrun.connect
def reuse_database_connections(sender=None, **kwargs):
    """A worker keeps its database connection from task to task, as a web process does from
    request to request: closed once older than DB_CONN_MAX_AGE or broken, checked before
    reuse (CONN_HEALTH_CHECKS). Celery's own fixup would close it around every task; with
    CELERY_DB_REUSE_MAX it does so only every that many tasks. Each tenant task sets its
    schema afresh (tenants/tasking.py), so a reused connection never carries one over."""
    if not getattr(getattr(sender, "request", None), "is_eager", False):
        from django.db import close_old_connections

        close_old_connections()
