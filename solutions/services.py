"""Installing and uninstalling solutions: idempotent, in the background, explained."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import connection as db
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing_saas.celery import app as celery_app
from billing_saas.refusals import ActionRefused
from solutions import registry
from solutions.models import Installation
from tenants.schema import on_commit_here

log = logging.getLogger(__name__)
Status = Installation.Status
STALE_INSTALLING = timedelta(minutes=5)


def installation(slug: str) -> Installation | None:
    return Installation.objects.select_related("connection").filter(solution=slug).first()


def is_installed(slug: str) -> bool:
    """Asked on every page of an installed solution: remembered by the process until any
    installation changes (``tenants.routing_cache``, told by ``connect_signals``)."""
    from django.db import connection

    from tenants.routing_cache import remembered

    return remembered(
        ("installed", connection.schema_name, slug),
        lambda: Installation.objects.filter(solution=slug, status=Status.INSTALLED).exists(),
    )


def _check_admin(user) -> None:
    if not user.is_billing_admin:
        raise ActionRefused(
            _(
                "Only billing administrators (Account Owner, SuperUser, "
                "AdminManageEmployees) can install or uninstall solutions."
            )
        )


def start(slug: str, *, user, connection) -> Installation:
    """Begin installing (or retry a failed installation). Twice, or by two people at once,
    this still makes one installation."""
    solution = registry.get(slug)
    if solution is None:
        raise ActionRefused(_("There is no such solution."))
    _check_admin(user)
    if connection is None or not connection.is_usable:
        raise ActionRefused(_("Choose a connected payment platform first."))
    if connection.platform not in solution.platforms:
        raise ActionRefused(
            _("%(solution)s does not work with this platform.") % {"solution": solution.name}
        )
    row, _created = Installation.objects.get_or_create(
        solution=slug, defaults={"status": Status.UNINSTALLED}
    )
    with transaction.atomic():
        row = Installation.objects.select_for_update().get(pk=row.pk)
        busy = (
            row.status == Status.INSTALLING
            and row.started_at
            and (row.started_at > timezone.now() - STALE_INSTALLING)
        )
        if row.status == Status.INSTALLED or busy:
            return row
        row.status = Status.INSTALLING
        row.connection = connection
        row.progress = []
        row.failure = ""
        row.started_by = user
        row.started_at = timezone.now()
        row.save()
        schema, pk = db.schema_name, row.pk
        on_commit_here(lambda: _enqueue(schema, pk))
    return row


def _enqueue(schema: str, pk: int) -> None:
    # Found in Celery's registry by name: the task module calls this one, so this one does
    # not import it back.
    try:
        celery_app.tasks["solutions.tasks.run_installation"].delay(schema, pk)
    except Exception:  # noqa: BLE001 - no broker: the page offers a retry after a while
        log.exception("could not queue installation %s", pk)


def run(pk: int) -> Installation:
    """The installation steps, each run once and recorded when done; a failure keeps its reason.

    Each step runs with the installation's row locked: a second worker on the same
    installation (a task delivered twice, a retry queued meanwhile) waits, then finds the
    step recorded and goes on with the next one, or finds the installation finished."""
    while True:
        with transaction.atomic():
            row = Installation.objects.select_for_update().get(pk=pk)
            solution = registry.get(row.solution)
            if row.status != Status.INSTALLING or solution is None:
                return row
            step = next((step for step in solution.steps if step.key not in row.progress), None)
            if step is None:
                return _finish(row, Status.INSTALLED, "")
            failure = _run_step(step, row)
            if failure:
                return _finish(row, Status.FAILED, failure)
            row.progress = [*row.progress, step.key]
            row.save(update_fields=["progress"])


def _run_step(step: registry.Step, row: Installation) -> str:
    """Why the step failed ('' when it succeeded); a failed step's writes are undone."""
    try:
        with transaction.atomic():
            step.run(row)
    except registry.InstallFailed as failed:
        return failed.reason
    except Exception as error:  # noqa: BLE001 - any failure is shown, with a retry
        log.exception("installation step %s failed", step.name)
        return _("Unexpected error in “%(step)s”: %(error)s") % {
            "step": step.name,
            "error": error,
        }
    return ""


def _finish(row: Installation, status: str, failure: str) -> Installation:
    row.status = status
    row.failure = failure
    if status == Status.INSTALLED:
        row.installed_at = timezone.now()
    row.save()
    return row


def uninstall(slug: str, *, user, confirm_open: bool = False) -> Installation:
    """Hide the solution; its data (history, requests, payments) stays for a reinstall."""
    _check_admin(user)
    solution = registry.get(slug)
    with transaction.atomic():
        row = Installation.objects.select_for_update().filter(solution=slug).first()
        if row is None or row.status == Status.UNINSTALLED:
            return row
        blocker = solution.blocker() if solution and solution.blocker else ""
        if blocker and not confirm_open:
            raise ActionRefused(blocker)
        row.status = Status.UNINSTALLED
        row.uninstalled_at = timezone.now()
        row.save()
    return row
