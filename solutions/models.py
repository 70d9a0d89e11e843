"""Which solutions an account installed, and how far an installation got."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Installation(models.Model):
    class Status(models.TextChoices):
        INSTALLING = "installing", _("Installation started")
        INSTALLED = "installed", _("Installed")
        FAILED = "failed", _("Installation failed")
        UNINSTALLED = "uninstalled", _("Not installed")

    solution = models.CharField(max_length=50, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.INSTALLING)
    connection = models.ForeignKey(
        "connectors.Connection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Where new payment requests go."),
    )
    progress = models.JSONField(default=list, blank=True)  # steps done, in order
    failure = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    installed_at = models.DateTimeField(null=True, blank=True)
    uninstalled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.solution}: {self.status}"

    @property
    def is_installed(self) -> bool:
        return self.status == self.Status.INSTALLED
