"""The workers' side of automated invoicing: each account's tick, and its runs."""

from __future__ import annotations

import logging

from auto_invoicing import cycle
from auto_invoicing.models import RunDocument
from tenants.tasking import tenant_task

log = logging.getLogger(__name__)


@tenant_task(ignore_result=False)  # its report is read (operators, tests)
def process_run(tenant, run_pk: int) -> dict:
    run = cycle.process(run_pk)
    return {"account": tenant.slug, "run": run.pk, "status": run.status}


@tenant_task(ignore_result=False)
def tick(tenant) -> dict:
    """Every few minutes, per account: take over runs whose worker died, start the run of a
    period that has come, and retry the documents whose next attempt has come."""
    resumed = cycle.stalled_runs()
    for run_pk in resumed:
        try:
            cycle.process(run_pk)
        except Exception:  # noqa: BLE001 - logged; a broken run must not stop the schedule
            log.exception("run %s could not be taken over", run_pk)
    run = cycle.start_scheduled_run()  # queued once it commits
    retried = cycle.retry_due()
    return {
        "account": tenant.slug,
        "resumed": resumed,
        "started": run.pk if run else None,
        "retried": retried,
    }


@tenant_task(ignore_result=False)
def retry_run(tenant, run_pk: int) -> dict:
    """Retry all failed on a run's page: each failed document of the run, sent again now."""
    failed = RunDocument.objects.filter(run_id=run_pk, state=RunDocument.State.FAILED)
    tried = list(failed.values_list("pk", flat=True))
    for document_pk in tried:
        cycle.retry(document_pk)
    return {"account": tenant.slug, "run": run_pk, "retried": len(tried)}
