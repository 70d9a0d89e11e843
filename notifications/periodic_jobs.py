from celery.schedules import crontab

from tenants.periodic import register_tenant_job

# Messages whose retry is due or whose task was lost: queued again within five minutes.
register_tenant_job("notifications.tasks.sweep_messages", crontab(minute="*/5"))
