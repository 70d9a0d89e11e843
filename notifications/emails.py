"""Sending branded emails: one template name gives the subject, the text and the HTML part."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_templated_email(
    template: str, *, to: list[str], context: dict, from_email: str | None = None, attachments=()
) -> None:
    """Render ``<template>_subject.txt``, ``.txt`` and ``.html`` and send them as one email."""
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, from_email or settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    message.send()
