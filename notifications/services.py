"""The operations on an account's email settings: save them, and send a test email now."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from notifications.models import EmailSending
from notifications.smtp import plain_words

log = logging.getLogger(__name__)

# What a mail server or the network raise when a message does not go out (as
# payment_requests/services/emails.py's EMAIL_FAILURES; SMTPException is an OSError).
MAIL_FAILURES = (smtplib.SMTPException, OSError)


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
    server answered, in plain words."""
    from notifications.notify import Recipient, notify

    try:
        notify(Recipient.for_member(user), "email_sending.test", {"account_name": account_name})
    except MAIL_FAILURES as error:
        # The error's text, never the password: smtplib's errors do not carry credentials.
        log.info("test email to %s failed: %r", user.email, error)
        return TestResult(False, plain_words(error))
    return TestResult(
        True,
        _("The server accepted the test email for %(address)s.") % {"address": user.email},
    )
