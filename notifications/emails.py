"""Branded emails: one template name gives the subject, the text and the HTML part.

The engine of the email channel (``notifications/channels.py``): rendered where the message
is asked for, sent by the delivery worker. The rest of the app sends through
``notifications.notify``, which picks the template."""

from __future__ import annotations

import logging
import smtplib
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from billing_saas import languages

log = logging.getLogger(__name__)


def render_email(
    template: str, context: dict, *, language: str = "", time_zone: str = ""
) -> tuple[str, str, str]:
    """Render ``<template>_subject.txt``, ``.txt`` and ``.html``: (subject, text, html).

    In the reader's ``language`` (billing_saas/languages.py says whose), by default the
    account's whose schema is active. Times are shown in ``time_zone``, by default that
    account's, whether a web request or a worker renders: a worker has no active zone and
    would print UTC."""
    language = languages.supported(language) or languages.account_language()
    with timezone.override(_zone(time_zone)), translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return subject, text, html


def send_email(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str,
    from_email: str | None = None,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    attachments=(),
    connection=None,
) -> None:
    """Send one rendered email. ``connection``: an unopened mail connection (an account's own
    SMTP, ``notifications/smtp.py``), by default the product's backend. Raises what the
    server or the network raise (``smtplib.SMTPException``, ``OSError``)."""
    message = EmailMultiAlternatives(
        subject,
        text,
        from_email or settings.DEFAULT_FROM_EMAIL,
        to,
        reply_to=reply_to,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    for name, data, mimetype in attachments:
        message.attach(name, data, mimetype)
    # Opened here so that closing is ours: once the server has accepted the message, a
    # failure saying goodbye is no failure to send (and must not make anyone send it again).
    connection = connection or get_connection()
    connection.open()
    try:
        connection.send_messages([message])
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            log.warning("closing the mail connection failed", exc_info=True)


def _zone(name: str):
    try:
        name = name or _account_time_zone()
        return zoneinfo.ZoneInfo(name) if name else timezone.get_current_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def _account_time_zone() -> str:
    from django.db import connection

    from tenants.models import Tenant

    zone = getattr(getattr(connection, "tenant", None), "time_zone", "")
    if zone or connection.schema_name == "public":
        return zone or ""
    found = Tenant.objects.filter(schema_name=connection.schema_name).values_list("time_zone")
    return next(iter(found), ("",))[0]
