"""Inbound SMS to our sender: STOP and START, as Twilio and the carriers apply them.

Our default sender is one number (or messaging service) shared by every account, and a STOP
sent to it stops every SMS from it: Twilio refuses them (error 21610) whichever account
asks. So a STOP marks the clients with that mobile opted out in every active account, where
each account sees it on its own clients (``Client.sms_opted_out``) and the SMS channel skips
them without asking Twilio. We chose this over one platform-level opt-out table because the
flag must show on the client anyway, and each account's change stays in its own schema: no
account learns anything about another's clients. START (and its synonyms) opts back in.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django_tenants.utils import schema_context

from clients.services import record_sms_keyword
from tenants.services import active_tenants

log = logging.getLogger(__name__)
# Twilio's default opt-out and opt-in keywords: the whole message, any case.
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
START_WORDS = {"START", "UNSTOP", "YES"}


def keyword_received(message_sid: str, phone: str, our_number: str, body: str) -> int:
    """Apply a STOP or START from ``phone``; returns how many clients changed (0 otherwise)."""
    word = body.strip().upper()
    if word not in STOP_WORDS | START_WORDS or not message_sid or not phone:
        return 0
    sender = settings.TWILIO_FROM_NUMBER
    if sender and not settings.TWILIO_MESSAGING_SERVICE_SID and our_number != sender:
        # Not the number our SMS leave from: its opt-outs are not ours.
        log.info("inbound %s to %s, not our sender; ignored", word, our_number)
        return 0
    changed = 0
    for tenant in active_tenants():
        with schema_context(tenant.schema_name):
            changed += record_sms_keyword(message_sid, phone, word in STOP_WORDS)
    log.info("inbound %s: %s client(s) changed", word, changed)
    return changed


def keyword_for_this_account(message_sid: str, phone: str, body: str) -> int:
    """A STOP or START texted to the active account's own Twilio number: its clients only
    (no other account sends from that number)."""
    word = body.strip().upper()
    if word not in STOP_WORDS | START_WORDS or not message_sid or not phone:
        return 0
    changed = record_sms_keyword(message_sid, phone, word in STOP_WORDS)
    log.info("inbound %s to the account's own number: %s client(s) changed", word, changed)
    return changed
