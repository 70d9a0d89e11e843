"""What each message is for, and the template each channel that may carry it renders.

The one registry: ``notify(recipient, purpose, context)`` looks the purpose up here, so no
caller names a template or a channel. A purpose maps channel names (``notifications/
channels.py``) to template names, in the order they are tried; a recipient gets the message
on every listed channel that can reach them (an SMS needs a phone), the others are skipped.
To let a purpose go out by SMS too, add ``"sms": "<template>"`` to its entry.

Email templates are base names: ``<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``.
SMS templates are base names too: ``<name>.sms.txt``, one short text (``sms_channel.py``).
They stay beside the app whose pages they resemble; the registry is what ties them together.
"""

from __future__ import annotations

PURPOSES: dict[str, dict[str, str]] = {
    # A client's payment request, from the account (context: payment_requests/services/emails.py).
    # The email first: it goes even when the SMS cannot (notify.py).
    "request.sent": {
        "email": "payment_requests/emails/request",
        "sms": "payment_requests/sms/request",
    },
    "request.reminder": {
        "email": "payment_requests/emails/reminder",
        "sms": "payment_requests/sms/reminder",
    },
    "request.canceled": {"email": "payment_requests/emails/canceled"},
    "request.paid.client": {"email": "payment_requests/emails/paid_client"},
    # To the member who created the request.
    "request.paid.staff": {"email": "payment_requests/emails/paid_staff"},
    # A refund on the platform: to the client, and to the member who created the request.
    "request.refund.client": {"email": "payment_requests/emails/refund_client"},
    "request.refund.staff": {"email": "payment_requests/emails/refund_staff"},
    # People of an account (tenants/members/).
    "member.invitation": {"email": "members/emails/invitation"},
    "member.password_reset": {"email": "members/emails/password_reset"},
    # "Find my account", from the root domain (tenants/account_links.py).
    "account.sign_in_links": {"email": "tenants/emails/account_links"},
    # To billing administrators when a payment platform connection changed (connectors/).
    "connection.changed": {"email": "connectors/emails/connection_changed"},
    # "Send a test email" on the email settings page, to the administrator who pressed it.
    "email_sending.test": {"email": "notifications/emails/test_email"},
}
