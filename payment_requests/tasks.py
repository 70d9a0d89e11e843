import logging

from django.utils import timezone

from payment_requests import services
from payment_requests.services import run_daily_schedule
from tenants.tasking import tenant_task

log = logging.getLogger(__name__)


@tenant_task(ignore_result=False)  # its report is read (operators, tests)
def daily_schedule(tenant) -> dict:
    """Overdue switch and reminders, counted in days of the account's own time zone."""
    from payment_requests.access import is_installed

    today = timezone.localdate(timezone.now(), tenant.tzinfo)
    if not is_installed():  # uninstalled: its requests stay, but nothing is sent in its name
        return {"account": tenant.slug, "day": today.isoformat(), "skipped": "not installed"}
    return {"account": tenant.slug, "day": today.isoformat(), **run_daily_schedule(today)}


@tenant_task
def send_email(tenant, pk: int, template: str, url: str) -> None:
    """A request's email, first attempt, queued by whoever changed the request (the paid
    confirmations, by the task that applied the payment). Sent at most once per message
    (``deliver_email``), so a redelivered task sends nothing twice; a mail server failure
    hands over to ``retry_email``."""
    services.send_email(pk, template, url)


@tenant_task(bind=True, max_retries=len(services.EMAIL_RETRY_DELAYS) - 1)
def retry_email(self, tenant, pk: int, template: str, url: str) -> str:
    """A request's email the mail server refused, tried again after each of
    ``EMAIL_RETRY_DELAYS``; ``url`` is the pay link the first attempt carried."""
    try:
        return services.resend_email(pk, template, url)
    except services.EMAIL_FAILURES as error:
        if self.request.retries >= self.max_retries:
            log.error("%s email of request %s given up: %r", template, pk, error)
            raise
        delay = services.EMAIL_RETRY_DELAYS[self.request.retries + 1]
        raise self.retry(exc=error, countdown=delay) from error
