"""The operations on the account's automated invoicing settings (the views call these)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from auto_invoicing.models import AutoInvoicing


def save_settings(form, actor) -> AutoInvoicing:
    """Save the settings form (``AutoInvoicingForm``, already valid).

    Switching it on dates it from now: a period whose run time has passed before that is never
    billed (``calendar.due_period``). Switching it off clears nothing, so switching back on
    only moves that date."""
    with transaction.atomic():
        was_enabled = (
            AutoInvoicing.objects.select_for_update()
            .filter(pk=form.instance.pk)
            .values_list("enabled", flat=True)
            .first()
        )
        settings = form.save(commit=False)
        if settings.enabled and not was_enabled:
            settings.enabled_at = timezone.now()
        settings.updated_by = actor
        settings.save()
    return settings
