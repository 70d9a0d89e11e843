from celery.schedules import crontab

from tenants.periodic import register_tenant_job

register_tenant_job("connectors.tasks.reconcile_connections", crontab(minute="*/10"))
