"""The housekeeping jobs of the tenants app, run for every account by beat."""

from celery.schedules import crontab

from tenants.periodic import register_tenant_job

register_tenant_job("tenants.tasks.purge_expired_tokens", crontab(minute=17, hour=3))
