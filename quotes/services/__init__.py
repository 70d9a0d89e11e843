"""What the team and clients do with quotes, one module per action (``payment_requests``'
pattern): ``drafts``, ``sending``, ``approval`` (approve, decline, convert to an invoice),
``closing`` (cancel, expire, views). Status changes go through ``quotes.states``."""

from billing_saas.refusals import ActionRefused
from quotes.services.approval import approve, convert, decline, pay_token
from quotes.services.closing import (
    cancel_quote,
    expire_due,
    expire_if_due,
    expire_quote,
    record_client_view,
)
from quotes.services.common import account_today
from quotes.services.drafts import create_quote, update_quote
from quotes.services.sending import send_quote

__all__ = [
    "ActionRefused",
    "account_today",
    "approve",
    "cancel_quote",
    "convert",
    "create_quote",
    "decline",
    "expire_due",
    "expire_if_due",
    "expire_quote",
    "pay_token",
    "record_client_view",
    "send_quote",
    "update_quote",
]
