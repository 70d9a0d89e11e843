"""The Celery app. Tenant tasks are declared with ``tenants.tasking.tenant_task``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billing_saas.settings")

app = Celery("billing_saas")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_tenant_jobs(sender, **kwargs):
    from tenants.periodic import beat_schedule

    sender.conf.beat_schedule = {**sender.conf.beat_schedule, **beat_schedule()}
