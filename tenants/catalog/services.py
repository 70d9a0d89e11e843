"""Installing and uninstalling solutions: idempotent, in the background, explained."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import connection as db
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.catalog import solutions
from tenants.catalog.models import Installation
from tenants.schema import on_commit_here

log = logging.getLogger(__name__)
Status = Installation.Status
STALE_INSTALLING = timedelta(minutes=5)


class InstallRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def installation(slug: str) -> Installation | None:
    return Installation.objects.select_related("connection").filter(solution=slug).first()


def is_installed(slug: str) -> bool:
    return Installation.objects.filter(solution=slug, status=Status.INSTALLED).exists()


def _check_admin(user) -> None:
    if not user.is_billing_admin:
        raise InstallRefused(
            _(
                "Only billing administrators (Account Owner, SuperUser, "
                "AdminManageEmployees) can install or uninstall solutions."
            )
        )


def start(slug: str, *, user, connection) -> Installation:
    """Begin installing (or retry a failed installation). Twice, or by two people at once,
    this still makes one installation."""
    solution = solutions.get(slug)
    if solution is None:
        raise InstallRefused(_("There is no such solution."))
    _check_admin(user)
    if connection is None or not connection.is_usable:
        raise InstallRefused(_("Choose a connected payment platform first."))
    if connection.platform not in solution.platforms:
        raise InstallRefused(
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
    from tenants.catalog.tasks import run_installation

    try:
        run_installation.delay(schema, pk)
    except Exception:  # noqa: BLE001 - no broker: the page offers a retry after a while
        log.exception("could not queue installation %s", pk)


def run(pk: int) -> Installation:
    """The installation steps, each recorded when done; a failure keeps its reason."""
    row = Installation.objects.get(pk=pk)
    solution = solutions.get(row.solution)
    if row.status != Status.INSTALLING or solution is None:
        return row
    for step in solution.steps:
        if step.key in row.progress:
            continue
        try:
            step.run(row)
        except solutions.InstallFailed as failed:
            return _finish(pk, Status.FAILED, failed.reason)
        except Exception as error:  # noqa: BLE001 - any failure is shown, with a retry
            log.exception("installation step %s failed", step.name)
            return _finish(
                pk,
                Status.FAILED,
                _("Unexpected error in “%(step)s”: %(error)s")
                % {"step": step.name, "error": error},
            )
        with transaction.atomic():
            row = Installation.objects.select_for_update().get(pk=pk)
            row.progress = [*row.progress, step.key]
            row.save(update_fields=["progress"])
    return _finish(pk, Status.INSTALLED, "")


def _finish(pk: int, status: str, failure: str) -> Installation:
    with transaction.atomic():
        row = Installation.objects.select_for_update().get(pk=pk)
        row.status = status
        row.failure = failure
        if status == Status.INSTALLED:
            row.installed_at = timezone.now()
        row.save()
    return row


def uninstall(slug: str, *, user, confirm_open: bool = False) -> Installation:
    """Hide the solution; its data (history, requests, payments) stays for a reinstall."""
    _check_admin(user)
    solution = solutions.get(slug)
    with transaction.atomic():
        row = Installation.objects.select_for_update().filter(solution=slug).first()
        if row is None or row.status == Status.UNINSTALLED:
            return row
        blocker = solution.blocker() if solution and solution.blocker else ""
        if blocker and not confirm_open:
            raise InstallRefused(blocker)
        row.status = Status.UNINSTALLED
        row.uninstalled_at = timezone.now()
        row.save()
    return row
