from celery.schedules import crontab

from tenants.periodic import register_tenant_job

# Hourly, like the requests' schedule: every account soon after its own midnight; a quote
# already expired is not expired again.
register_tenant_job("quotes.tasks.expire_quotes", crontab(minute=10))
