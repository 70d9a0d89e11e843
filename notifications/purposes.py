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

from django.utils.translation import gettext_lazy as _

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
    # An auto-billed invoice whose card was not charged (recurring/auto_charge.py).
    "request.charge_failed": {"email": "recurring/emails/charge_failed"},
    # A quote to approve, from the account (context: quotes/services/sending.py).
    "quote.sent": {"email": "quotes/emails/sent", "sms": "quotes/sms/sent"},
    "request.paid.client": {"email": "payment_requests/emails/paid_client"},
    # To the member who created the request.
    "request.paid.staff": {"email": "payment_requests/emails/paid_staff"},
    # A refund on the platform: to the client, and to the member who created the request.
    "request.refund.client": {"email": "payment_requests/emails/refund_client"},
    "request.refund.staff": {"email": "payment_requests/emails/refund_staff"},
    # A link into the client portal, asked from its sign-in page (client_portal/sign_in.py).
    "portal.sign_in": {"email": "client_portal/emails/sign_in"},
    # The link that confirms a new client's address, from the portal's registration page.
    "portal.registration": {"email": "client_portal/emails/registration"},
    # People of an account (tenants/members/).
    "member.invitation": {"email": "members/emails/invitation"},
    "member.password_reset": {"email": "members/emails/password_reset"},
    # "Find my account", from the root domain (tenants/account_links.py).
    "account.sign_in_links": {"email": "tenants/emails/account_links"},
    # To billing administrators when a payment platform connection changed (connectors/).
    "connection.changed": {"email": "connectors/emails/connection_changed"},
    # "Send a test email" on the email settings page, to the administrator who pressed it.
    "email_sending.test": {"email": "notifications/emails/test_email"},
    # To the members with Client Billing: a client asks to cancel a subscription (portal).
    "subscription.cancellation_requested": {"email": "subscriptions/emails/cancellation"},
}

# What each message is called on the pages that list them (a request's panel, a client's page).
LABELS = {
    "request.sent": _("Payment request"),
    "request.reminder": _("Reminder"),
    "request.canceled": _("Cancellation notice"),
    "request.charge_failed": _("Card not charged"),
    "quote.sent": _("Quote"),
    "request.paid.client": _("Payment receipt"),
    "request.paid.staff": _("Payment notice to the team"),
    "request.refund.client": _("Refund notice"),
    "request.refund.staff": _("Refund notice to the team"),
    "portal.sign_in": _("Portal sign-in link"),
    "portal.registration": _("Portal registration link"),
    "member.invitation": _("Invitation"),
    "member.password_reset": _("Password reset"),
    "account.sign_in_links": _("Sign-in links"),
    "connection.changed": _("Payment platform notice"),
    "email_sending.test": _("Test email"),
    "subscription.cancellation_requested": _("Subscription cancellation request"),
}
