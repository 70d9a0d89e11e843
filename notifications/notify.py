"""One entry point for every message the app sends: ``notify(recipient, purpose, context)``.

Callers say whom and why; the registry (``purposes.py``) says which templates and channels,
the channel classes (``channels.py``) how. A purpose nobody registered is refused with
``UnknownPurpose`` rather than sent as something else or silently dropped.

Channels a recipient cannot be reached on are skipped, not replaced: a purpose listing SMS and
email sends only the email to someone without a phone. A recipient no listed channel reaches
gets nothing (logged as a warning) and ``notify`` returns 0.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from billing_saas import languages
from notifications.channels import CHANNELS
from notifications.once import send_once
from notifications.purposes import PURPOSES

log = logging.getLogger(__name__)


class UnknownPurpose(LookupError):
    """``notify`` was asked for a purpose that ``PURPOSES`` does not list."""


@dataclass(frozen=True)
class Recipient:
    """Whom a message is for and how to reach them.

    ``language`` is the reader's (billing_saas/languages.py); blank: the account's whose
    schema is active (on the root domain, English). ``name`` is for the channels that
    address people by name; the email's To stays the bare address, as it always was.
    """

    email: str = ""
    name: str = ""
    language: str = ""
    phone: str = ""
    sms_opted_out: bool = False

    @classmethod
    def for_client(cls, client) -> Recipient:
        """A client of the account (``payment_requests.models.Client``), in its language."""
        return cls(
            email=client.email,
            name=client.name,
            language=languages.client_language(client),
            phone=str(client.mobile or ""),
            sms_opted_out=client.sms_opted_out,
        )

    @classmethod
    def for_member(cls, user) -> Recipient:
        """A member of the account (``tenants.members.models.User``), in their language."""
        return cls(
            email=user.email,
            name=getattr(user, "full_name", "") or "",
            language=languages.member_language(user),
        )


def notify(
    recipient: Recipient,
    purpose: str,
    context: Mapping[str, Any],
    *,
    once_key: str | None = None,
    channels: Collection[str] | None = None,
) -> int:
    """Send ``recipient`` the ``purpose`` message on every registered channel that reaches
    them; returns how many messages went out now.

    With ``once_key`` each channel sends at most once under it (``once.send_once``): a retry
    after a failure sends what is missing, a retry after a success sends nothing. A carrier's
    failure (for email: ``smtplib.SMTPException``, ``OSError``) is raised unchanged, so the
    callers' retries keep working; nothing is recorded as sent for that channel.

    ``channels`` narrows the purpose's channels to those named (what a person chose: a
    request sent by email only); ``None`` uses every channel the purpose lists.
    """
    if not isinstance(recipient, Recipient):
        raise TypeError(f"notify() takes a Recipient, not {type(recipient).__name__}")
    try:
        templates = PURPOSES[purpose]
    except KeyError:
        known = ", ".join(sorted(PURPOSES))
        raise UnknownPurpose(f"no message is registered for {purpose!r} (known: {known})") from None
    sent = reached = 0
    for name, template in templates.items():
        if channels is not None and name not in channels:
            continue
        channel = CHANNELS[name]
        if not channel.can_reach(recipient):
            log.info("%s: recipient has no %s; skipped", purpose, name)
            continue
        reached += 1
        send = functools.partial(channel.send, recipient, template, context)
        if once_key is None:
            send()
            sent += 1
        else:
            sent += send_once(channel.once_key(once_key), send)
    if not reached:
        log.warning("%s: no channel reaches the recipient; nothing sent", purpose)
    return sent
