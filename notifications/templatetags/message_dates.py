"""Times in messages say which zone they are in: a client may read them anywhere."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


@register.filter
def with_zone(value) -> str:
    """An aware datetime → "Nov. 26, 2026, 10:15 a.m. (Europe/Paris)", in the active zone."""
    if not value:
        return ""
    zone = timezone.get_current_timezone()
    local = timezone.localtime(value, zone)
    return f"{date_format(local, 'DATETIME_FORMAT')} ({getattr(zone, 'key', str(zone))})"
