from celery.schedules import crontab

from tenants.periodic import register_tenant_job

# Every 5 minutes, like automated invoicing's tick: an invoice goes out within minutes of its
# local hour, and a period already invoiced is never invoiced again (a database constraint).
register_tenant_job("recurring.tasks.tick", crontab(minute="*/5"))
# Auto-bill's tries: the first within minutes of the invoice being sent, then on schedule.
register_tenant_job("recurring.tasks.charge_due", crontab(minute="*/5"))
