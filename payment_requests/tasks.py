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
    """A request's messages, queued by whoever changed the request (the paid confirmations,
    by the task that applied the payment): rendered and recorded at most once per message
    (``deliver_email``), then handed over by the notifications worker, which retries them."""
    services.send_email(pk, template, url)


@tenant_task
def retry_email(tenant, pk: int, template: str, url: str) -> str:
    """Kept for the retries queued before messages had their own record: records the
    message once (sent already: nothing); its delivery and retries are the worker's now."""
    return "recorded" if services.deliver_email(pk, template, url) else "already recorded"


@tenant_task
def render_document_pdf(tenant, kind: str, pk: int) -> None:
    """A document's PDF of its current version, rendered and stored once
    (``services/pdfs.py``); a download queued it and asks again until it is there."""
    from payment_requests.services import pdfs

    pdfs.render(kind, pk)
