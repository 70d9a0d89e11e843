"""One entry point for every message the app sends: ``notify(recipient, purpose, context)``.

Callers say whom and why; the registry (``purposes.py``) says which templates and channels,
the channel classes (``channels.py``) how. A purpose nobody registered is refused with
``UnknownPurpose`` rather than sent as something else or silently dropped.

Each message is rendered now and recorded as one ``Message`` row; a worker hands it over
once the caller's transaction commits (``delivery.py``), retries it, and records what the
provider answered. A rolled-back change sends nothing.

Channels a recipient cannot be reached on are skipped, not replaced: a purpose listing SMS and
email sends only the email to someone without a phone. A recipient no listed channel reaches
gets nothing (logged as a warning) and ``notify`` returns 0.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from billing_saas import languages
from notifications import delivery
from notifications.channels import CHANNELS, Attachment
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
    client_id: int | None = None

    @classmethod
    def for_client(cls, client) -> Recipient:
        """A client of the account (``payment_requests.models.Client``), in its language."""
        return cls(
            email=client.email,
            name=client.name,
            language=languages.client_language(client),
            phone=str(client.mobile or ""),
            sms_opted_out=client.sms_opted_out,
            client_id=client.pk,
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
    about: tuple[str, int] | None = None,
    now: bool = False,
    attachments: Sequence[Attachment] = (),
) -> int:
    """Send ``recipient`` the ``purpose`` message on every registered channel that reaches
    them; returns how many messages were recorded now (each leaves once committed).

    With ``once_key`` each channel records at most one message under it: asking again sends
    nothing, whatever became of the first (a failure is retried by the worker, and resent
    from its page). ``channels`` narrows the purpose's channels to those named (what a person
    chose: a request sent by email only); ``None`` uses every channel the purpose lists.
    ``about`` names the document the message belongs to, for its pages
    (``("payment_request", pk)``). ``now``: hand the message over in this process at once,
    not retried (a test email whose answer the page shows); see ``delivery.attempt``.
    ``attachments``: files (name, bytes, MIME type) the email carries (an invoice's PDF).
    """
    if not isinstance(recipient, Recipient):
        raise TypeError(f"notify() takes a Recipient, not {type(recipient).__name__}")
    try:
        templates = PURPOSES[purpose]
    except KeyError:
        known = ", ".join(sorted(PURPOSES))
        raise UnknownPurpose(f"no message is registered for {purpose!r} (known: {known})") from None
    recorded = reached = 0
    for name, template in templates.items():
        if channels is not None and name not in channels:
            continue
        channel = CHANNELS[name]
        if not channel.can_reach(recipient):
            log.info("%s: recipient has no %s; skipped", purpose, name)
            continue
        reached += 1
        key = channel.once_key(once_key) if once_key is not None else None
        if key is not None and delivery.already_recorded(key):
            continue
        rendered = channel.render(recipient, template, context, attachments)
        message = delivery.record(
            key=key,
            channel=name,
            purpose=purpose,
            to=channel.address(recipient),
            recipient_name=recipient.name,
            rendered=rendered,
            about=about,
            client_id=recipient.client_id,
        )
        if message is None:  # recorded meanwhile by a concurrent caller
            continue
        recorded += 1
        if now:
            delivery.attempt(message.pk, retry=False)
        else:
            delivery.deliver_after_commit(message.pk)
    if not reached:
        log.warning("%s: no channel reaches the recipient; nothing sent", purpose)
    return recorded
