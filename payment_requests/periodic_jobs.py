from celery.schedules import crontab

from tenants.periodic import register_tenant_job

# Hourly, so every account runs soon after its own local midnight passes; reminders are
# recorded per step, so the runs after the first one in a day send nothing again.
register_tenant_job("payment_requests.tasks.daily_schedule", crontab(minute=5))
