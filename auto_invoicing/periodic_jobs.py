from celery.schedules import crontab

from tenants.periodic import register_tenant_job

# Every 5 minutes: a cycle starts within minutes of its local hour, a dead worker's run is
# taken over soon after, and a period already run is never run again (a database constraint).
register_tenant_job("auto_invoicing.tasks.tick", crontab(minute="*/5"))
