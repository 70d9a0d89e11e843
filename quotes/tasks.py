from django.utils import timezone

from quotes import services
from tenants.tasking import tenant_task


@tenant_task(ignore_result=False)  # its report is read (operators, tests)
def expire_quotes(tenant) -> dict:
    """Sent and viewed quotes past their validity date, in the account's own time zone."""
    today = timezone.localdate(timezone.now(), tenant.tzinfo)
    return {"account": tenant.slug, "day": today.isoformat(), "expired": services.expire_due(today)}
