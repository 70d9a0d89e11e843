"""The account's billing settings: reminders, branding, time zone, language and platform."""

from __future__ import annotations

from django.db import transaction

from tenants.models import Tenant


def save_settings(form, tenant: Tenant, installed) -> None:
    """``form`` is a valid ``SettingsForm``; ``installed`` Client Billing's installation."""
    data = form.cleaned_data
    with transaction.atomic():
        form.save()
        Tenant.objects.filter(pk=tenant.pk).update(
            time_zone=data["time_zone"],
            language=data["language"] or tenant.language,
            country=data["country"],
        )
        if installed:
            installed.connection = data["connection"]
            installed.save(update_fields=["connection"])
