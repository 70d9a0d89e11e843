from django.utils import timezone

from payment_requests.services import run_daily_schedule
from tenants.tasking import tenant_task


@tenant_task
def daily_schedule(tenant) -> dict:
    """Overdue switch and reminders, counted in days of the account's own time zone."""
    from payment_requests.access import is_installed

    today = timezone.localdate(timezone.now(), tenant.tzinfo)
    if not is_installed():  # uninstalled: its requests stay, but nothing is sent in its name
        return {"account": tenant.slug, "day": today.isoformat(), "skipped": "not installed"}
    return {"account": tenant.slug, "day": today.isoformat(), **run_daily_schedule(today)}
