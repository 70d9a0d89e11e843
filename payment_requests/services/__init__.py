"""What employees do with payment requests, and what the platform tells us about them.

One module per action (Zulip's ``actions/``): ``drafts``, ``sending``, ``reminders``,
``removal`` (cancel, delete), ``manual`` (email, mark sent, mark paid by hand, undo),
``platform_changes``, ``emails``, ``messages`` (their
delivery record), ``schedule``. Status changes
go through ``payment_requests.states``. Money and status changes run in transactions;
platform calls run outside them, between a claim (Draft → Sending) and a result, so a double
click or two tabs never send twice. The names below are the operations views and tasks call.
"""

from billing_saas.refusals import ActionRefused
from payment_requests.services.common import check_amount, current_tenant, default_connection
from payment_requests.services.drafts import create_request, update_draft
from payment_requests.services.emails import deliver_email, send_email
from payment_requests.services.links import hash_token
from payment_requests.services.manual import email_invoice, mark_paid, mark_sent, undo_payment
from payment_requests.services.messages import resend as resend_message
from payment_requests.services.platform_changes import apply_remote_change
from payment_requests.services.reminders import remind
from payment_requests.services.removal import cancel_request, delete_request
from payment_requests.services.schedule import run_daily_schedule
from payment_requests.services.sending import STALE_SENDING, send_request

__all__ = [
    "STALE_SENDING",
    "ActionRefused",
    "apply_remote_change",
    "cancel_request",
    "check_amount",
    "create_request",
    "current_tenant",
    "default_connection",
    "delete_request",
    "deliver_email",
    "email_invoice",
    "hash_token",
    "mark_paid",
    "mark_sent",
    "resend_message",
    "remind",
    "run_daily_schedule",
    "send_email",
    "send_request",
    "undo_payment",
    "update_draft",
]
