"""The operations on an account's SMS settings: save them, and send a test SMS now."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from notifications import sms
from notifications.services import TestResult
from notifications.sms_settings import SmsSending

log = logging.getLogger(__name__)


def save_sms_sending(form) -> SmsSending:
    """Save the settings form (``notifications.sms_forms.SmsSendingForm``, already valid).

    An empty auth token keeps the stored one: the page never shows it, so leaving the field
    empty must not erase it. Going back to the default sending forgets nothing, so switching
    back to the own account needs no retyping."""
    with transaction.atomic():
        sending = form.save(commit=False)
        token = form.cleaned_data.get("auth_token")
        if token:
            sending.set_auth_token(token)
        sending.save()
    return sending


def send_test_sms(phone: str, account_name: str) -> TestResult:
    """Send a test SMS to ``phone`` now, through the account SMS leave by (its own or the
    default), and say what Twilio answered, in plain words."""
    body = _("%(account)s: a test SMS. Your SMS settings work.") % {"account": account_name}
    try:
        account = sms.sending_account()
        if account is None:
            return TestResult(False, _("SMS sending is not configured."))
        sms.send_sms(phone, body, account=account)
    except sms.SmsError as error:
        log.info("test SMS to %s failed: %s", phone, error)
        if error.retryable and error.code is None:
            # The usual wording promises a retry; a test is not retried, the user is.
            return TestResult(False, _("Twilio could not be reached; try again in a moment."))
        return TestResult(False, str(error))
    own = account != sms.product_account()
    return TestResult(
        True,
        (
            _("Twilio accepted the test SMS for %(number)s, through your own Twilio account.")
            if own
            else _("Twilio accepted the test SMS for %(number)s, through the default sending.")
        )
        % {"number": phone},
    )
