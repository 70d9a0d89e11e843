"""The operations on an account's email settings: save them, and send a test email now."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from notifications.models import EmailSending

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TestResult:
    ok: bool
    message: str


def save_email_sending(form) -> EmailSending:
    """Save the settings form (``notifications.forms.EmailSendingForm``, already valid).

    An empty password keeps the stored one: the page never shows it, so leaving the field
    empty must not erase it. Going back to the default sending forgets nothing, so switching
    back to the custom server needs no retyping."""
    with transaction.atomic():
        sending = form.save(commit=False)
        password = form.cleaned_data.get("password")
        if password:
            sending.set_password(password)
        sending.save()
    return sending


def send_test_email(user, account_name: str) -> TestResult:
    """Send a test email to ``user`` the way the account's emails leave, now, and say what the
    server answered, in plain words (the message's record keeps it too)."""
    from notifications.models import Message
    from notifications.notify import Recipient, notify

    key = f"email_sending.test:{uuid.uuid4().hex}"
    context = {"account_name": account_name}
    notify(Recipient.for_member(user), "email_sending.test", context, once_key=key, now=True)
    message = Message.objects.get(key=key)
    if message.status in Message.PROBLEMS:
        # The error's text, never the password: smtplib's errors do not carry credentials.
        log.info("test email to %s failed: %s", user.email, message.error)
        return TestResult(False, message.error)
    return TestResult(
        True,
        _("The server accepted the test email for %(address)s.") % {"address": user.email},
    )
