"""An account's own SMTP server: the connection built from its settings, the guard on where
that connection may go, and a failure told in plain words.

Server-side request forgery: the host is typed by an account's administrator and our servers
connect to it, so in production a host that resolves to an address that is not global
(loopback, private, link-local such as the cloud metadata service) is refused, when saved and
again when sending (a name can be repointed after it was saved). Every resolved address is
checked, not only the first. ``EMAIL_ALLOW_PRIVATE_SMTP_HOSTS`` lifts the guard for a
deployment whose mail relay sits on its private network.
"""

from __future__ import annotations

import ipaddress
import smtplib
import socket
import ssl
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend
from django.utils.translation import gettext as _

# A test email (and every send) waits at most this long for the server: the page must answer.
TIMEOUT_SECONDS = 10


class HostRefused(smtplib.SMTPConnectError):
    """The SMTP host resolves to an address our servers must not connect to.

    An ``SMTPException`` (and so an ``OSError``): a send refused by the guard is a mail failure
    like any other for the callers' retries, and it is reported on the settings page."""

    def __init__(self, host: str, reason: str):
        super().__init__(0, reason)
        self.host = host
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


def check_host(host: str, port: int) -> None:
    """Raise ``HostRefused`` if the guard is on and ``host`` resolves to a non-global address.

    A host that does not resolve is let through here: the connection then fails on its own
    (unreachable), which is the plain answer the user needs."""
    if not settings.PRODUCTION or settings.EMAIL_ALLOW_PRIVATE_SMTP_HOSTS:
        return
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return
    for *_ignored, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if not address.is_global:
            raise HostRefused(
                host,
                _(
                    "%(host)s points to a private or local address (%(address)s); "
                    "use a public mail server."
                )
                % {"host": host, "address": address},
            )


def connection_for(sending, *, password: str | None = None) -> EmailBackend:
    """A Django SMTP connection to the account's server (``notifications.models.EmailSending``),
    not opened yet. ``password`` replaces the stored one (a form not saved yet)."""
    check_host(sending.host, sending.port)
    return EmailBackend(
        host=sending.host,
        port=sending.port,
        username=sending.username or None,
        password=(sending.password if password is None else password) or None,
        use_tls=sending.security == sending.Security.STARTTLS,
        use_ssl=sending.security == sending.Security.SSL,
        timeout=TIMEOUT_SECONDS,
        fail_silently=False,
    )


def sender(sending, from_email: str | None) -> str:
    """The From of a message sent through the account's server: its own From address; when
    that has no display name, the name the message was given (the account's sender name)."""
    name, address = parseaddr(sending.from_address)
    if name or not from_email:
        return sending.from_address or from_email or settings.DEFAULT_FROM_EMAIL
    return formataddr((parseaddr(from_email)[0], address))


def plain_words(error: BaseException) -> str:
    """What a mail failure means, for the person who set the server up, with the server's own
    answer where it gave one."""
    if isinstance(error, HostRefused):
        return error.reason
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return _("The server refused the user name or password: %(answer)s") % {
            "answer": _answer(error)
        }
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = "; ".join(
            f"{address}: {_answer_of(code, text)}"
            for address, (code, text) in error.recipients.items()
        )
        return _("The server refused the recipient: %(answer)s") % {"answer": answers}
    if isinstance(error, smtplib.SMTPSenderRefused):
        return _("The server refused the From address %(sender)s: %(answer)s") % {
            "sender": error.sender,
            "answer": _answer(error),
        }
    if isinstance(error, ssl.SSLCertVerificationError):
        return _("The server's certificate could not be trusted: %(reason)s") % {
            "reason": error.verify_message or error.reason or error
        }
    if isinstance(error, ssl.SSLError):
        return _("The secure connection failed (check the port and security): %(reason)s") % {
            "reason": error.reason or error
        }
    if isinstance(error, (TimeoutError, socket.timeout)):
        return _("The server did not answer within %(seconds)s seconds.") % {
            "seconds": TIMEOUT_SECONDS
        }
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return _("The server does not support this security setting: %(answer)s") % {
            "answer": error
        }
    if isinstance(error, smtplib.SMTPResponseException):
        return _("The server answered with an error: %(answer)s") % {"answer": _answer(error)}
    if isinstance(error, smtplib.SMTPException):
        return _("The mail server failed: %(answer)s") % {"answer": error}
    if isinstance(error, (socket.gaierror, ConnectionError, OSError)):
        return _("The server could not be reached: %(reason)s") % {
            "reason": error.strerror or error
        }
    return _("The email could not be sent: %(reason)s") % {"reason": error}


def _answer(error: smtplib.SMTPResponseException) -> str:
    return _answer_of(error.smtp_code, error.smtp_error)


def _answer_of(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}"


def account_sending(from_email: str | None) -> dict:
    """The sending arguments of ``emails.send_email`` for the active account: its own
    server's connection, From and Reply-To in *Custom SMTP* mode, else the product's sending
    with ``from_email``. Raises ``HostRefused`` (a mail failure) if the guard refuses."""
    from django.db import connection
    from django_tenants.utils import get_public_schema_name

    from notifications.models import EmailSending

    default = {"from_email": from_email}
    if connection.schema_name == get_public_schema_name():
        return default
    sending = EmailSending.objects.order_by("pk").first()
    if sending is None or not sending.is_custom:
        return default
    return {
        "from_email": sender(sending, from_email),
        "reply_to": [sending.reply_to] if sending.reply_to else None,
        "connection": connection_for(sending),
    }
