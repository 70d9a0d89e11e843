"""What every signed-in portal page shows around its content: the account's brand, the
client, and the sections that exist so far."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from payment_requests.models import BillingSettings

# (name, label, URL name), in the order the tabs show: documents, then money, then the client.
SECTIONS = (
    ("invoices", _("Invoices"), "client_portal:invoices"),
    ("quotes", _("Quotes"), "client_portal:quotes"),
    ("recurring", _("Recurring invoices"), "recurring:portal_list"),
    ("subscriptions", _("Subscriptions"), "subscriptions:portal_list"),
    ("payments", _("Payments"), "client_portal:payments"),
    ("payment_methods", _("Payment methods"), "payment_methods:list"),
    ("credits", _("Credits"), "client_portal:credits"),
    ("statements", _("Statements"), "client_portal:statements"),
    ("profile", _("Profile"), "client_portal:profile"),
)


def brand_context(request) -> dict:
    """The account's name, colour and logo: on every portal page, signed in or not."""
    # Read, never created (its defaults otherwise): a page anyone may ask writes nothing.
    branding = BillingSettings.objects.order_by("pk").first() or BillingSettings()
    return {
        "account_name": request.tenant.name,
        "brand_color": branding.brand_color,  # validated as #rrggbb: safe in a style
        "brand_logo_url": reverse("payment_requests:brand_logo") if branding.logo else "",
    }


def layout_context(request, section: str) -> dict:
    return {
        **brand_context(request),
        "client": request.portal_client,
        # A member looking through the client's eyes (views/staff.py): every page says so.
        "viewed_by": request.portal_session.opened_by,
        "sections": [
            {"label": label, "url": reverse(url_name), "current": name == section}
            for name, label, url_name in SECTIONS
        ],
    }
