"""Whatever a client sends to any page, it never gets a server error, and a refusal changes
nothing.

Each page of both hosts gets generated query strings, form fields, path values and files:
NUL characters, lone surrogates and invalid UTF-8, huge and odd numbers, impossible dates,
SQL- and path-looking text, empty and misnamed files. Text the database cannot store must be
refused with a 400. A page added to the URLconfs fails ``test_every_page_is_covered`` until it is
listed in ``PAGES``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from billing_saas.testing import hostile_input as hostile
from billing_saas.testing.fixtures import install_client_billing, owner_of
from bookings.models import Booking
from bookings.services import book
from charges.models import ApiKey, Charge
from client_portal import sessions as portal_sessions
from client_portal.links import hash_token as hash_portal_token
from client_portal.models import PortalLink, PortalRegistration, PortalSession, PortalSettings
from clients.models import Client as BillingClient
from connectors.models import Connection, InboundEvent
from notifications.models import EmailSending
from payment_requests.models import (
    Attachment,
    BillingSettings,
    DocumentLine,
    PaymentRequest,
    RequestLink,
    StatusChange,
    TaxRate,
)
from payment_requests.services import create_request
from payment_requests.services import hash_token as hash_link_token
from payment_requests.services.lines import LineDraft
from products.models import Product
from quotes.models import Quote, QuoteLink
from quotes.services import create_quote
from quotes.services.links import hash_token as hash_quote_token
from tenants.members.models import Invitation, Role, User
from tenants.members.models import hash_token as hash_invitation_token
from tenants.models import Domain, Tenant

ROOT, ACCOUNT = "root", "account"
URLCONFS = {ROOT: settings.PUBLIC_SCHEMA_URLCONF, ACCOUNT: settings.ROOT_URLCONF}
LINK_TOKEN = "hostile-link-token-0123456789"
QUOTE_TOKEN = "hostile-quote-token-0123456789"
INVITATION_TOKEN = "hostile-invitation-token-0123456789"
PORTAL_TOKEN = "hostile-portal-token-0123456789"
REGISTRATION_TOKEN = "hostile-registration-token-0123456789"
EXAMPLES = int(os.environ.get("HOSTILE_INPUT_EXAMPLES", "25"))
TENANT_MODELS = (
    User,
    Invitation,
    BillingClient,
    PaymentRequest,
    StatusChange,
    RequestLink,
    Attachment,
    BillingSettings,
    Connection,
    InboundEvent,
    DocumentLine,
    TaxRate,
    EmailSending,
    Product,
    Quote,
    QuoteLink,
    Booking,
    Charge,
    ApiKey,
    PortalLink,
    PortalSession,
    PortalSettings,
    PortalRegistration,
)


@dataclass(frozen=True)
class Page:
    """One URL: how it is reached, its form and query fields (with values that pass), its files.

    ``args`` maps each path parameter to the object kind whose real key it may take.
    """

    host: str
    name: str
    methods: tuple[str, ...] = ("GET",)
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    args: dict[str, str] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    signed_in: bool = True
    expected_errors: tuple[int, ...] = ()  # 5xx answers the page gives on purpose
    raw_body: bool = False  # reads its body itself (webhooks): its forms are not parsed
    examples: int = EXAMPLES
    portal: bool = False  # asked by the world's client signed into the client portal

    @property
    def key(self) -> str:
        return f"{self.host}:{self.name}"


GP = ("GET", "POST")
POST = ("POST",)
REQUEST_FIELDS = {
    "kind": ("invoice", "proposal", "deposit"),
    "description": ("Consulting",),
    "client": ("{client}", ""),
    "new_client_name": ("Ana",),
    "new_client_email": ("ana@client.test",),
    "new_client_company": ("Co",),
    "amount": ("150.00", "12,50"),
    "currency": ("EUR", "JPY", "USD"),
    "due_date": ("{future}",),
    "billing_type": ("invoice", "payment_link"),
    "success_url": ("https://example.com/ok",),
    "cancel_url": ("",),
    "action": ("send", "save", "add_line", "recalculate"),
    # The lines (without them, description and amount are the one line).
    "lines-TOTAL_FORMS": ("1", "2"),
    "lines-INITIAL_FORMS": ("1",),
    "lines-0-description": ("Design",),
    "lines-0-quantity": ("1.5", "1"),
    "lines-0-unit_price": ("80", "12,50"),
    "lines-0-discount": ("", "5"),
    "lines-0-taxes": ("{tax_rate}",),
    "lines-0-DELETE": ("",),
    "lines-1-quantity": ("1",),
    "lines-1-unit_price": ("40",),
}
PRODUCT_FIELDS = {
    "name": ("Café crème",),
    "description": ("", "Served hot"),
    "unit_price": ("3.50", "1 250,50", "1200"),
    "currency": ("EUR", "JPY"),
    "unit": ("", "hour", "item"),
    "tax_rates": ("{tax_rate}",),
}
FILTERS = {
    "q": ("Consulting", "Ana"),
    "status": ("draft", "sent", "deleted"),
    "client": ("{client}",),
    "client_name": ("Ana",),
    "from": ("{today}",),
    "to": ("{future}",),
    "page": ("1", "2", "last"),
    "open": ("{request}",),
    "v": ("0",),
}
QUOTE_FIELDS = {
    **{name: REQUEST_FIELDS[name] for name in REQUEST_FIELDS if name.startswith("lines-")},
    "client": ("{client}", ""),
    "new_client_name": ("Ana",),
    "new_client_email": ("ana@client.test",),
    "title": ("Kitchen",),
    "currency": ("EUR", "JPY"),
    "valid_until": ("{future}",),
    "notes": ("", "Thanks"),
    "add_product": ("{product}",),
    "lines-0-product": ("{product}",),
    "lines-0-unit": ("hour",),
    "product-name": ("Grout",),
    "product-unit_price": ("35",),
    "action": ("save", "send", "add_line", "recalculate", "add_product", "new_product"),
}
WEBHOOK_HEADERS = ("HTTP_STRIPE_SIGNATURE", "HTTP_INTUIT_SIGNATURE", "CONTENT_TYPE")

PAGES = [
    # ---- root domain --------------------------------------------------------------------
    Page(ROOT, "landing", signed_in=False),
    Page(
        ROOT,
        "signup",
        GP,
        # The subdomain that passes is taken: a valid sign-up would build a whole schema.
        {
            "company_name": ("Gamma",),
            "subdomain": ("alpha",),
            "owner_name": ("Gail",),
            "email": ("gail@gamma.example",),
            "password": ("correct-horse-battery-9",),
        },
        signed_in=False,
    ),
    Page(ROOT, "find_account", GP, {"subdomain": ("alpha", "nope")}, signed_in=False),
    Page(ROOT, "email_account_links", POST, {"email": ("owner@alpha.example",)}, signed_in=False),
    Page(ROOT, "account_links_sent", signed_in=False),
    # Without a worker to answer its ping, each call waits a second: a few are enough.
    Page(ROOT, "healthz", signed_in=False, expected_errors=(503,), examples=3),
    Page(ROOT, "favicon.ico", signed_in=False),
    Page(ROOT, "set_language", POST, {"language": ("en", "de"), "next": ("/",)}, signed_in=False),
    Page(
        ROOT,
        "connect_callback",
        fields={key: ("x",) for key in ("code", "state", "scope", "error", "realmId")},
        args={"platform": "platform"},
        signed_in=False,
    ),
    Page(
        ROOT,
        "stripe_webhook",
        POST,
        {"id": ("evt_1",)},
        args={"mode": "mode"},
        signed_in=False,
        raw_body=True,
    ),
    Page(
        ROOT,
        "quickbooks_webhook",
        POST,
        {"eventNotifications": ("[]",)},
        signed_in=False,
        raw_body=True,
    ),
    Page(
        ROOT,
        "twilio_inbound",
        POST,
        {key: ("STOP",) for key in ("Body", "From", "To", "MessageSid")},
        signed_in=False,
    ),
    Page(ROOT, "outbox:list", fields={"page": ("1",)}, signed_in=False),
    Page(ROOT, "outbox:message", args={"pk": "number"}, signed_in=False),
    Page(ROOT, "outbox:html", args={"pk": "number"}, signed_in=False),
    Page(ROOT, "outbox:attachment", args={"pk": "number", "index": "number"}, signed_in=False),
    # ---- account: home, members ---------------------------------------------------------
    Page(ACCOUNT, "dashboard"),
    Page(
        ACCOUNT,
        "twilio_account_inbound",
        POST,
        {key: ("STOP",) for key in ("Body", "From", "AccountSid", "MessageSid")},
        signed_in=False,
    ),
    Page(
        ACCOUNT,
        "twilio_status",
        POST,
        {key: ("delivered",) for key in ("MessageStatus", "MessageSid", "AccountSid", "ErrorCode")},
        args={"pk": "number"},
        signed_in=False,
    ),
    Page(ACCOUNT, "healthz", signed_in=False, expected_errors=(503,), examples=3),
    Page(ACCOUNT, "favicon.ico", signed_in=False),
    Page(ACCOUNT, "set_language", POST, {"language": ("en", "fr"), "next": ("/billing/",)}),
    Page(
        ACCOUNT,
        "members:login",
        GP,
        {"username": ("{owner_email}",), "password": ("correct-horse-battery-9",), "next": ("/",)},
        signed_in=False,
    ),
    Page(ACCOUNT, "members:logout", POST, {"next": ("/",)}),
    Page(ACCOUNT, "members:welcome", args={"token": "text"}, signed_in=False),
    Page(ACCOUNT, "members:password_reset", GP, {"email": ("{owner_email}",)}, signed_in=False),
    Page(ACCOUNT, "members:password_reset_done", signed_in=False),
    Page(
        ACCOUNT,
        "members:password_reset_confirm",
        GP,
        {"new_password1": ("N3w-horse-battery",), "new_password2": ("N3w-horse-battery",)},
        args={"uidb64": "uidb64", "token": "reset_token"},
        signed_in=False,
    ),
    Page(ACCOUNT, "members:password_reset_complete", signed_in=False),
    Page(
        ACCOUNT,
        "members:profile",
        GP,
        {
            "form": ("profile", "password"),
            "full_name": ("Alpha Boss",),
            "language": ("", "en", "fr"),
            "old_password": ("correct-horse-battery-9",),
            "new_password1": ("N3w-horse-battery",),
            "new_password2": ("N3w-horse-battery",),
        },
    ),
    Page(
        ACCOUNT,
        "members:accept_invitation",
        GP,
        {"full_name": ("Ina",), "password": ("correct-horse-battery-9",)},
        args={"token": "invitation"},
        signed_in=False,
    ),
    Page(
        ACCOUNT,
        "members:employees",
        GP,
        {
            "email": ("new@alpha.example",),
            "role": tuple(Role.values),
            "q": ("emma",),
            "page": ("1",),
        },
    ),
    Page(ACCOUNT, "members:change_role", POST, {"role": tuple(Role.values)}, {"pk": "member"}),
    Page(ACCOUNT, "members:deactivate", POST, args={"pk": "member"}),
    Page(ACCOUNT, "members:reactivate", POST, args={"pk": "member"}),
    Page(ACCOUNT, "members:revoke_invitation", POST, args={"pk": "invitation_pk"}),
    # ---- account: payment platforms -----------------------------------------------------
    Page(ACCOUNT, "connectors:connections"),
    Page(ACCOUNT, "connectors:connect_stripe", POST, {"test_mode": ("on", ""), "next": ("/",)}),
    Page(ACCOUNT, "connectors:connect_quickbooks", POST, {"next": ("/catalog/",)}),
    Page(
        ACCOUNT,
        "connectors:new_stripe_account",
        GP,
        # No terms_url ever: a valid form would open an account on the (absent) platform.
        {
            "test_mode": ("on",),
            "country": ("FR", "US"),
            "business_name": ("Alpha",),
            "privacy_url": ("https://alpha.example/privacy",),
            "next": ("/catalog/client-billing/install/?step=connection",),
        },
    ),
    Page(
        ACCOUNT,
        "connectors:oauth_finish",
        fields={key: ("x",) for key in ("code", "state", "scope", "error", "realmId")},
        args={"platform": "platform"},
    ),
    Page(ACCOUNT, "connectors:onboarding_return", args={"pk": "number"}),
    Page(ACCOUNT, "connectors:onboarding_refresh", GP, args={"pk": "number"}),
    Page(ACCOUNT, "connectors:disconnect", POST, args={"pk": "number"}),
    # ---- account: email sending ---------------------------------------------------------
    Page(
        ACCOUNT,
        "email_settings:edit",
        GP,
        # Saving connects to nothing; the test button sends with the saved (default) sending.
        {
            "mode": ("default", "custom"),
            "host": ("127.0.0.1",),
            "port": ("1", "587"),
            "security": ("starttls", "ssl", "none"),
            "username": ("mailer",),
            "password": ("secret",),
            "from_address": ("Alpha <invoices@alpha.example>",),
            "reply_to": ("help@alpha.example",),
        },
    ),
    Page(ACCOUNT, "email_settings:test", POST, examples=5),
    # ---- account: SMS sending -----------------------------------------------------------
    Page(
        ACCOUNT,
        "sms_settings:edit",
        GP,
        # Saving calls no one; the test button sends with the saved sending (none in tests).
        {
            "mode": ("default", "custom"),
            "account_sid": ("AC" + "0" * 32,),
            "auth_token": ("secret",),
            "from_number": ("+15005550006",),
            "messaging_service_sid": ("MG" + "0" * 32,),
        },
    ),
    Page(ACCOUNT, "sms_settings:test", POST, {"phone": ("+33612345678",)}, examples=5),
    # ---- account: catalog ---------------------------------------------------------------
    Page(ACCOUNT, "solutions:index"),
    Page(ACCOUNT, "solutions:detail", args={"slug": "slug"}),
    Page(
        ACCOUNT,
        "solutions:wizard",
        GP,
        {
            "step": ("welcome", "platform", "connection", "confirm"),
            "platform": ("stripe", "quickbooks"),
            "connection": ("1",),
        },
        {"slug": "slug"},
    ),
    Page(ACCOUNT, "solutions:progress", args={"slug": "slug"}),
    Page(ACCOUNT, "solutions:retry", POST, args={"slug": "slug"}),
    Page(ACCOUNT, "solutions:uninstall", POST, {"confirm_open": ("yes",)}, {"slug": "slug"}),
    # ---- account: Client Billing --------------------------------------------------------
    Page(ACCOUNT, "payment_requests:dashboard", fields=FILTERS),
    Page(ACCOUNT, "payment_requests:live", fields=FILTERS),
    Page(ACCOUNT, "clients:suggestions", fields={"client_name": ("Ana",)}),
    Page(
        ACCOUNT,
        "payment_requests:new",
        GP,
        {**REQUEST_FIELDS, "copy": ("{request}",)},
        files=("attachments",),
    ),
    Page(ACCOUNT, "payment_requests:detail", args={"pk": "request"}),
    Page(ACCOUNT, "payment_requests:pdf", args={"pk": "request"}),
    Page(
        ACCOUNT,
        "payment_requests:edit",
        GP,
        REQUEST_FIELDS,
        {"pk": "request"},
        files=("attachments",),
    ),
    Page(ACCOUNT, "payment_requests:send", POST, args={"pk": "request"}),
    Page(ACCOUNT, "payment_requests:remind", POST, args={"pk": "request"}),
    Page(
        ACCOUNT,
        "payment_requests:resend_message",
        POST,
        args={"pk": "request", "message_pk": "number"},
    ),
    Page(ACCOUNT, "payment_requests:cancel", POST, args={"pk": "request"}),
    Page(ACCOUNT, "payment_requests:delete", POST, {"confirm_open": ("yes",)}, {"pk": "request"}),
    Page(
        ACCOUNT,
        "payment_requests:attachment",
        args={"pk": "request", "attachment_pk": "attachment"},
    ),
    Page(ACCOUNT, "clients:list", fields={"q": ("Ana",), "page": ("1", "2")}),
    Page(
        ACCOUNT,
        "clients:new",
        GP,
        {
            "name": ("Bea",),
            "company": ("B Co",),
            "email": ("bea@client.test",),
            "phone": ("+33 1 23",),
            "address": ("1 rue",),
            "preferred_currency": ("EUR", "CHF"),
            "language": ("", "fr"),
        },
    ),
    Page(
        ACCOUNT,
        "clients:edit",
        GP,
        {"name": ("Bea",), "email": ("bea@client.test",), "preferred_currency": ("EUR",)},
        {"pk": "client"},
    ),
    Page(
        ACCOUNT,
        "products:list",
        fields={"q": ("Café", "ete"), "show": ("archived",), "page": ("1", "2")},
    ),
    Page(ACCOUNT, "products:new", GP, PRODUCT_FIELDS),
    Page(ACCOUNT, "products:edit", GP, PRODUCT_FIELDS, {"pk": "product"}),
    Page(ACCOUNT, "products:archive", POST, args={"pk": "product"}),
    Page(ACCOUNT, "products:restore", POST, args={"pk": "product"}),
    Page(ACCOUNT, "products:suggestions", fields={"q": ("cafe", "")}),
    Page(ACCOUNT, "products:create_inline", POST, PRODUCT_FIELDS),
    Page(
        ACCOUNT,
        "payment_requests:access",
        GP,
        {"user": ("{member}", "{owner}"), "grant": ("yes", "no")},
    ),
    Page(
        ACCOUNT,
        "payment_requests:settings",
        GP,
        {
            "remind_before_days": ("3", "1,7"),
            "remind_after_days": ("1,7,14",),
            "sender_name": ("Alpha",),
            "brand_color": ("#112233",),
            "time_zone": ("Europe/Paris",),
            "language": ("fr", "en"),
            "country": ("FR", "CA", ""),
            "connection": ("",),
            "address": ("1 Main St\nMontréal",),
            "tax_ids": ("GST 123456789 RT0001",),
            "attach_pdf": ("on", ""),
        },
        files=("logo",),
    ),
    Page(
        ACCOUNT,
        "payment_requests:tax_rates",
        GP,
        {
            "action": ("add", "deactivate", "activate"),
            "name": ("GST",),
            "rate": ("5", "9,975"),
            "tax_rate": ("{tax_rate}",),
        },
    ),
    Page(ACCOUNT, "payment_requests:thanks", signed_in=False),
    Page(ACCOUNT, "payment_requests:brand_logo", signed_in=False),
    Page(ACCOUNT, "payment_requests:public_link", args={"token": "link"}, signed_in=False),
    Page(ACCOUNT, "payment_requests:public_pdf", args={"token": "link"}, signed_in=False),
    Page(
        ACCOUNT,
        "payment_requests:go_pay",
        args={"token": "link"},
        signed_in=False,
        expected_errors=(502,),  # the platform failed: said on the page
    ),
    Page(
        ACCOUNT,
        "payment_requests:choose_language",
        POST,
        {"language": ("fr", "en", "xx")},
        args={"token": "link"},
        signed_in=False,
    ),
    Page(
        ACCOUNT,
        "payment_requests:public_attachment",
        args={"token": "link", "attachment_pk": "attachment"},
        signed_in=False,
    ),
    # ---- account: quotes --------------------------------------------------------------------
    Page(
        ACCOUNT,
        "quotes:list",
        fields={"q": ("Q-00001", "Ana"), "status": ("sent", "x"), "page": ("1", "last")},
    ),  # fmt: skip
    Page(ACCOUNT, "quotes:new", GP, QUOTE_FIELDS),
    Page(ACCOUNT, "quotes:detail", args={"pk": "quote"}),
    Page(ACCOUNT, "quotes:edit", GP, QUOTE_FIELDS, {"pk": "quote"}),
    Page(ACCOUNT, "quotes:review", args={"pk": "quote"}),
    Page(ACCOUNT, "quotes:pay_now", POST, args={"pk": "quote"}),
    Page(ACCOUNT, "quotes:send", POST, args={"pk": "quote"}),
    Page(ACCOUNT, "quotes:approve", POST, args={"pk": "quote"}),
    Page(ACCOUNT, "quotes:send_invoice", POST, args={"pk": "quote"}),
    Page(ACCOUNT, "quotes:cancel", POST, args={"pk": "quote"}),
    Page(ACCOUNT, "quotes:expire", POST, args={"pk": "quote"}),
    Page(ACCOUNT, "quotes:pdf", args={"pk": "quote"}),
    Page(ACCOUNT, "quotes:public", args={"token": "quote_link"}, signed_in=False),
    Page(ACCOUNT, "quotes:public_pdf", args={"token": "quote_link"}, signed_in=False),
    Page(ACCOUNT, "quotes:public_approve", POST, args={"token": "quote_link"}, signed_in=False),
    Page(ACCOUNT, "quotes:public_pay", POST, args={"token": "quote_link"}, signed_in=False),
    Page(
        ACCOUNT,
        "quotes:public_decline",
        POST,
        {"reason": ("Too expensive", "")},
        args={"token": "quote_link"},
        signed_in=False,
    ),
    Page(ACCOUNT, "outbox:list", fields={"page": ("1",)}),
    Page(ACCOUNT, "outbox:message", args={"pk": "number"}),
    Page(ACCOUNT, "outbox:html", args={"pk": "number"}),
    Page(ACCOUNT, "outbox:attachment", args={"pk": "number", "index": "number"}),
    # ---- account: bookings ------------------------------------------------------------------
    Page(
        ACCOUNT,
        "bookings:list",
        fields={
            "show": ("upcoming", "past", "canceled", "all"),
            "status": ("booked", "x"),
            "q": ("Ana",),
            "page": ("1", "last"),
        },
    ),
    Page(
        ACCOUNT,
        "bookings:new",
        GP,
        {
            "client": ("{client}", ""),
            "service": ("{product}",),
            "date": ("{today}", "{future}"),
            "time": ("09:30", "23:59"),
        },
    ),
    Page(ACCOUNT, "bookings:complete", POST, {"back": ("show=all&q=Ana",)}, {"pk": "booking"}),
    Page(ACCOUNT, "bookings:cancel", POST, {"back": ("show=past",)}, {"pk": "booking"}),
    # ---- account: automated invoicing (settings, runs) ----------------------------------------
    Page(
        ACCOUNT,
        "auto_invoicing:settings",
        GP,
        {
            "enabled": ("on", ""),
            "mode": ("draft", "invoices", "payment_links"),
            "cycle": ("daily", "weekly", "monthly"),
            "weekday": ("0", "6"),
            "month_day": ("1", "31"),
            "hour": ("0", "9", "23"),
            "due_days": ("0", "14"),
            "channel": ("email", "sms", "both"),
        },
    ),
    Page(ACCOUNT, "auto_invoicing:runs", fields={"page": ("1", "2", "last")}),
    Page(ACCOUNT, "auto_invoicing:run_now", POST),
    Page(ACCOUNT, "auto_invoicing:run", args={"pk": "number"}, fields={"page": ("1", "last")}),
    Page(ACCOUNT, "auto_invoicing:retry_failed", POST, args={"pk": "number"}),
    Page(
        ACCOUNT,
        "auto_invoicing:retry_document",
        POST,
        args={"pk": "number", "document_pk": "number"},
    ),
    # ---- account: charges (issue 17) --------------------------------------------------------
    Page(
        ACCOUNT,
        "charges:list",
        fields={
            "state": ("unbilled", "billed", "all", "x"),
            "client": ("{client}",),
            "client_name": ("Ana",),
            "order": ("latest",),
            "page": ("1", "2", "last"),
        },
    ),
    Page(
        ACCOUNT,
        "charges:new",
        GP,
        {
            "client": ("{client}", ""),
            "product": ("{product}", ""),
            "description": ("Haircut", ""),
            "quantity": ("1", "1,5"),
            "unit_price": ("35", "12,50", ""),
            "currency": ("EUR", "JPY"),
            "due_date": ("{today}",),
            "source": ("manual", "package", "product_sale"),
        },
    ),
    Page(ACCOUNT, "charges:cancel", POST, {"next": ("/billing/charges/",)}, {"pk": "number"}),
    Page(ACCOUNT, "charges:client_payments", fields={"page": ("1",)}, args={"pk": "client"}),
    Page(ACCOUNT, "charges:api_keys", GP, {"name": ("Booking tool",)}),
    Page(ACCOUNT, "charges:revoke_api_key", POST, args={"pk": "number"}),
    # The API answers only to a Bearer key: without one, every call is a 401 (charges/tests).
    Page(
        ACCOUNT,
        "charges:api_charges",
        GP,
        {"client_id": ("1",), "state": ("unbilled",), "limit": ("10",)},
        signed_in=False,
        raw_body=True,
    ),
    Page(ACCOUNT, "charges:api_charge", args={"pk": "number"}, signed_in=False),
    Page(ACCOUNT, "charges:api_cancel", POST, args={"pk": "number"}, raw_body=True),
    # ---- account: an invoice's More actions (issue 18) ---------------------------------------
    Page(ACCOUNT, "payment_requests:email_invoice", POST, args={"pk": "request"}),
    Page(ACCOUNT, "payment_requests:mark_sent", POST, args={"pk": "request"}),
    Page(
        ACCOUNT,
        "payment_requests:mark_paid",
        POST,
        {
            "amount": ("150.00", "12,50", "1200"),
            "method": ("cash", "bank_transfer", "cheque", "card_in_person", "other"),
            "paid_on": ("{today}", "{future}"),
            "reference": ("", "CHQ 0042"),
            "email_receipt": ("", "on"),
            "entry_key": ("", "form-1"),
        },
        {"pk": "request"},
    ),
    Page(
        ACCOUNT,
        "payment_requests:undo_payment",
        POST,
        args={"pk": "request", "payment_pk": "number"},
    ),
    # ---- account: the client portal (issue 18) ------------------------------------------------
    Page(
        ACCOUNT, "client_portal:sign_in", GP, {"email": ("ana@client.test", "x")}, signed_in=False
    ),
    Page(ACCOUNT, "client_portal:sign_out", POST, signed_in=False, portal=True),
    Page(ACCOUNT, "client_portal:open_link", args={"token": "portal_link"}, signed_in=False),
    Page(ACCOUNT, "client_portal:fresh_link", POST, args={"token": "portal_link"}, signed_in=False),
    Page(ACCOUNT, "client_portal:home", signed_in=False, portal=True),
    Page(
        ACCOUNT,
        "client_portal:invoices",
        fields={"show": ("unpaid", "paid", "all", "x"), "page": ("1", "2", "last")},
        signed_in=False,
        portal=True,
    ),
    Page(ACCOUNT, "client_portal:invoice", args={"pk": "sent"}, signed_in=False, portal=True),
    Page(ACCOUNT, "client_portal:invoice_pdf", args={"pk": "sent"}, signed_in=False, portal=True),
    Page(ACCOUNT, "client_portal:pay", args={"pk": "sent"}, signed_in=False, portal=True),
    Page(
        ACCOUNT,
        "client_portal:quotes",
        fields={"page": ("1", "2", "last")},
        signed_in=False,
        portal=True,
    ),
    Page(ACCOUNT, "client_portal:quote", args={"pk": "quote"}, signed_in=False, portal=True),
    Page(
        ACCOUNT,
        "client_portal:quote_approve",
        POST,
        args={"pk": "quote"},
        signed_in=False,
        portal=True,
    ),
    Page(
        ACCOUNT,
        "client_portal:quote_decline",
        POST,
        {"reason": ("Too expensive", "")},
        {"pk": "quote"},
        signed_in=False,
        portal=True,
    ),
    Page(
        ACCOUNT,
        "client_portal:payments",
        fields={"page": ("1", "2", "last")},
        signed_in=False,
        portal=True,
    ),
    Page(ACCOUNT, "client_portal:payment", args={"pk": "number"}, signed_in=False, portal=True),
    Page(
        ACCOUNT,
        "client_portal:profile",
        GP,
        {
            "name": ("Ana", ""),
            "company": ("", "Ana Co"),
            "phone": ("", "01 23 45 67 89"),
            "mobile": ("", "+33612345678"),
            "address": ("", "1 Rue Haute"),
            "language": ("", "fr"),
            "sms_opted_out": ("", "on"),
        },
        signed_in=False,
        portal=True,
    ),
    # ---- account: the portal's statements, the staff's way into a client's portal ------------
    Page(
        ACCOUNT,
        "client_portal:statements",
        fields={"from": ("{today}", "2026-02-29", ""), "to": ("{today}", "{future}", "")},
        signed_in=False,
        portal=True,
    ),
    Page(
        ACCOUNT,
        "client_portal:statement_pdf",
        fields={"from": ("{today}", "2020-01-01", ""), "to": ("{today}", "{future}", "")},
        signed_in=False,
        portal=True,
        examples=8,  # each period that passes is laid out by WeasyPrint: slow
    ),
    Page(ACCOUNT, "client_portal:staff_open", POST, args={"pk": "client"}),
    Page(ACCOUNT, "client_portal:staff_open_invoice", POST, args={"pk": "request"}),
    # ---- account: registering as a new client (on in the world), its setting -------------------
    Page(
        ACCOUNT,
        "client_portal:register",
        GP,
        {
            "name": ("Bea", ""),
            "company": ("", "Bea Co"),
            "email": ("bea@new.test", "ana@client.test", "x"),
            "mobile": ("", "+33612345678", "0612345678"),
            "language": ("en", "fr", ""),
        },
        signed_in=False,
    ),
    Page(
        ACCOUNT,
        "client_portal:confirm_registration",
        args={"token": "registration_link"},
        signed_in=False,
    ),
    Page(ACCOUNT, "client_portal:settings", GP, {"registration_enabled": ("", "on")}),
    # ---- account: credit notes (issue 18) ----------------------------------------------------
    Page(
        ACCOUNT,
        "credits:list",
        fields={
            "state": ("available", "used", "all", "x"),
            "client": ("{client}",),
            "page": ("1", "2", "last"),
        },
    ),
    Page(
        ACCOUNT,
        "credits:new",
        GP,
        {
            "client": ("{client}", ""),
            "currency": ("EUR", "JPY"),
            "amount": ("30", "12,50", "12.5"),
            "reason": ("Goodwill", ""),
            "use": ("apply", "refund"),
            "entry_key": ("",),
        },
    ),
    Page(ACCOUNT, "credits:detail", args={"pk": "number"}),
    Page(ACCOUNT, "credits:change_use", POST, {"use": ("apply", "refund")}, {"pk": "number"}),
    Page(
        ACCOUNT,
        "credits:refund",
        POST,
        {
            "amount": ("10", "12,50", "1200"),
            "method": ("cash", "bank_transfer"),
            "refunded_on": ("{today}", "{future}"),
            "reference": ("", "TR 42"),
            "entry_key": ("",),
        },
        {"pk": "number"},
    ),
    Page(ACCOUNT, "credits:void", POST, args={"pk": "number"}),
    Page(ACCOUNT, "client_portal:credits", signed_in=False, portal=True),
    # ---- account: recurring invoices (issue 19) -----------------------------------------------
    Page(
        ACCOUNT,
        "recurring:list",
        fields={"status": ("active", "paused", "finished", "x"), "page": ("1", "2", "last")},
    ),
    *(
        Page(ACCOUNT, name, GP, fields, args)
        for name, args in (("recurring:new", {}), ("recurring:edit", {"pk": "number"}))
        for fields in [
            {
                **{key: value for key, value in QUOTE_FIELDS.items() if key.startswith("lines-")},
                "client": ("{client}", ""),
                "description": ("Hosting",),
                "currency": ("EUR", "JPY"),
                "frequency": ("monthly", "weekly", "yearly"),
                "start_on": ("{today}", "{future}", "2026-02-29"),
                "hour": ("9", "0", "23"),
                "due_days": ("14", "0"),
                "cycles": ("", "12"),
                "add_product": ("{product}",),
                "action": ("save", "add_line", "recalculate", "add_product"),
            }
        ]
    ),
    Page(ACCOUNT, "recurring:detail", args={"pk": "number"}, fields={"page": ("1", "last")}),
    Page(ACCOUNT, "recurring:pause", POST, args={"pk": "number"}),
    Page(ACCOUNT, "recurring:resume", POST, args={"pk": "number"}),
    Page(ACCOUNT, "recurring:stop", POST, args={"pk": "number"}),
    Page(
        ACCOUNT,
        "recurring:portal_list",
        fields={"page": ("1", "2", "last")},
        signed_in=False,
        portal=True,
    ),
    Page(ACCOUNT, "recurring:portal_detail", args={"pk": "number"}, signed_in=False, portal=True),
    # ---- account: the portal's saved payment methods (issue 19) -------------------------------
    Page(
        ACCOUNT,
        "payment_methods:list",
        fields={"added": ("1", ""), "removed": ("1",), "default": ("1",)},
        signed_in=False,
        portal=True,
    ),
    Page(ACCOUNT, "payment_methods:add", POST, signed_in=False, portal=True),
    *(
        Page(
            ACCOUNT,
            f"payment_methods:{name}",
            methods,
            args={"pk": "number"},
            signed_in=False,
            portal=True,
        )
        for name, methods in (("detail", ("GET",)), ("remove", GP), ("make_default", POST))
    ),
    # ---- account: subscriptions (issue 19) ----------------------------------------------------
    Page(
        ACCOUNT,
        "subscriptions:plans",
        GP,
        {
            "name": ("Pro",),
            "price": ("49.99", "12,50"),
            "currency": ("EUR", "JPY"),
            "interval": ("month", "year", "week"),
            "interval_count": ("1", "3"),
            "group": ("studio", ""),
        },
    ),
    Page(ACCOUNT, "subscriptions:plan_link", GP, {"client": ("{client}", "")}, {"pk": "number"}),
    Page(ACCOUNT, "subscriptions:list", fields={"client": ("{client}", ""), "page": ("1", "last")}),
    Page(
        ACCOUNT,
        "subscriptions:portal_options",
        POST,
        {"allow_cancellation": ("off", "staff", "period_end"), "allow_plan_switch": ("on", "")},
    ),
    Page(ACCOUNT, "subscriptions:portal_list", signed_in=False, portal=True),
    Page(
        ACCOUNT,
        "subscriptions:portal_cancel",
        POST,
        args={"pk": "number"},
        signed_in=False,
        portal=True,
    ),
    Page(
        ACCOUNT,
        "subscriptions:portal_plan",
        GP,
        {"plan": ("1", "")},
        {"pk": "number"},
        signed_in=False,
        portal=True,
    ),
    Page(
        ACCOUNT,
        "subscriptions:portal_invoices",
        args={"pk": "number"},
        signed_in=False,
        portal=True,
    ),
]


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            prefix = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            yield from _url_names(pattern.url_patterns, prefix)
        else:
            name = pattern.name or str(pattern.pattern)
            yield f"{namespace}:{name}" if namespace and pattern.name else name


def test_every_page_is_covered():
    served = {
        f"{host}:{name}"
        for host, urlconf in URLCONFS.items()
        for name in _url_names(get_resolver(urlconf).url_patterns)
    }
    covered = {page.key for page in PAGES}

    assert served - covered == set(), "pages no hostile-input test reaches: add them to PAGES"
    assert covered - served == set(), "PAGES lists pages that no longer exist"


# ---- the world the pages act on -------------------------------------------------------------
@pytest.fixture
def world(alpha, monkeypatch):
    """Alpha with Client Billing, a client, a draft with an attachment and a link, an employee
    and an open invitation: the real keys the pages' addresses and forms may take."""
    from tenants import tasks

    monkeypatch.setattr(tasks.email_account_links, "delay", lambda *args, **kwargs: None)
    from client_portal.tasks import email_sign_in_link

    monkeypatch.setattr(email_sign_in_link, "delay", lambda *args, **kwargs: None)
    from client_portal.tasks import email_registration_link

    monkeypatch.setattr(email_registration_link, "delay", lambda *args, **kwargs: None)
    install_client_billing(alpha)
    owner = owner_of(alpha)
    with schema_context(alpha.schema_name):
        # No password: hashing one per test would cost more than the test's requests.
        member = User.objects.create(email="emma@alpha.example", full_name="Emma Employee")
        client = BillingClient.objects.create(name="Ana", email="ana@client.test", company="Co")
        draft = create_request(
            actor=owner,
            description="Consulting",
            client=client,
            amount=Decimal("150.00"),
            currency="EUR",
            due_date=timezone.localdate() + timedelta(days=14),
        )
        tax_rate = TaxRate.objects.create(name="QST", rate=Decimal("9.975"))
        product = Product.objects.create(name="Café crème", unit_price=Decimal("3.50"))
        booking = book(client=client, service=product, starts_at=timezone.now() + timedelta(days=1))
        quote = create_quote(
            actor=owner,
            client=client,
            currency="EUR",
            valid_until=timezone.localdate() + timedelta(days=30),
            lines=[LineDraft("Tiling", Decimal(2), Decimal("150"))],
        )
        QuoteLink.objects.create(
            quote=quote, recipient=client.email, token_hash=hash_quote_token(QUOTE_TOKEN)
        )
        attachment = Attachment.objects.create(
            request=draft,
            file=ContentFile(b"hello", name="hello.txt"),
            original_name="hello.txt",
            content_type="text/plain",
            size=5,
            uploaded_by=owner,
        )
        RequestLink.objects.create(
            request=draft, recipient=client.email, token_hash=hash_link_token(LINK_TOKEN)
        )
        invitation = Invitation.objects.create(
            email="ina@alpha.example",
            token_hash=hash_invitation_token(INVITATION_TOKEN),
            invited_by=owner,
            expires_at=timezone.now() + timedelta(days=7),
        )
        reset_token = default_token_generator.make_token(owner)
        # The client's portal: a link to its sent invoice, and a signed-in session.
        sent = create_request(
            actor=owner,
            description="Sent consulting",
            client=client,
            amount=Decimal("90.00"),
            currency="EUR",
            due_date=timezone.localdate() + timedelta(days=14),
        )
        PaymentRequest.objects.filter(pk=sent.pk).update(status=PaymentRequest.Status.SENT)
        PortalLink.objects.create(
            client=client,
            recipient=client.email,
            token_hash=hash_portal_token(PORTAL_TOKEN),
            target=f"/portal/invoices/{sent.pk}/",
            expires_at=timezone.now() + timedelta(days=30),
        )
        _session, portal_key = portal_sessions.open_session(client)
        # Registration on, and a newcomer's link waiting to be opened.
        PortalSettings.objects.create(pk=PortalSettings.SINGLETON, registration_enabled=True)
        PortalRegistration.objects.create(
            name="Bea",
            email="bea@new.test",
            token_hash=hash_portal_token(REGISTRATION_TOKEN),
            expires_at=timezone.now() + timedelta(days=1),
        )
    connection.set_schema_to_public()
    today = timezone.localdate()
    return {
        "tenant": alpha,
        "owner_user": owner,
        "portal_key": portal_key,
        "values": {
            "client": str(client.pk),
            "request": str(draft.pk),
            "attachment": str(attachment.pk),
            "tax_rate": str(tax_rate.pk),
            "product": str(product.pk),
            "member": str(member.pk),
            "owner": str(owner.pk),
            "invitation_pk": str(invitation.pk),
            "owner_email": owner.email,
            "today": today.isoformat(),
            "future": (today + timedelta(days=30)).isoformat(),
        },
        "path_values": {
            "request": str(draft.pk),
            "attachment": str(attachment.pk),
            "client": str(client.pk),
            "product": str(product.pk),
            "quote": str(quote.pk),
            "booking": str(booking.pk),
            "member": str(member.pk),
            "invitation_pk": str(invitation.pk),
            "link": LINK_TOKEN,
            "quote_link": QUOTE_TOKEN,
            "portal_link": PORTAL_TOKEN,
            "registration_link": REGISTRATION_TOKEN,
            "sent": str(sent.pk),
            "invitation": INVITATION_TOKEN,
            "slug": "client-billing",
            "platform": "stripe",
            "mode": "test",
            "number": "1",
            "text": "x",
            "uidb64": "MQ",
            "reset_token": reset_token,
        },
    }


def _counts(tenant) -> dict[str, int]:
    """Rows of the main tables, in one query."""
    public = [Tenant, Domain]
    parts = [f'(SELECT count(*) FROM public."{model._meta.db_table}")' for model in public]
    parts += [
        f'(SELECT count(*) FROM "{tenant.schema_name}"."{model._meta.db_table}")'
        for model in TENANT_MODELS
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    models = public + list(TENANT_MODELS)
    return {model.__name__: count for model, count in zip(models, row, strict=True)}


# ---- what one example sends -----------------------------------------------------------------
@dataclass
class Attempt:
    method: str
    path: str
    path_values: list[str]
    query: list[tuple[bytes, bytes]]
    form: list[tuple[bytes, bytes]]
    files: list[tuple[bytes, tuple[str, bytes, str]]]
    headers: dict[str, str]

    raw_body: bool

    @property
    def storable(self) -> bool:
        """Whether Django decodes it into text PostgreSQL can store."""
        path_ok = all("\x00" not in value for value in self.path_values)
        query_ok = hostile.is_clean_query([part for pair in self.query for part in pair])
        form_ok = self.raw_body or all(
            hostile.is_storable_text(part) for pair in self.form for part in pair
        )
        return path_ok and query_ok and form_ok


def _field_values(valid: tuple[str, ...], values: dict[str, str]):
    passing = [value.format(**values).encode() for value in valid]
    return st.one_of(st.sampled_from(passing), hostile.hostile_values)


def _path_value(kind: str, real: str):
    if kind in ("number", "request", "attachment", "client", "product", "quote", "member",
                "invitation_pk", "booking", "sent"):  # fmt: skip
        return st.one_of(st.just(real), hostile.digits)
    if kind == "slug":
        return st.one_of(st.just(real), st.from_regex(r"\A[-a-zA-Z0-9_]{1,60}\Z"))
    return st.one_of(st.just(real), hostile.path_text)


@st.composite
def attempts(draw, page: Page, world) -> Attempt:
    method = draw(st.sampled_from(page.methods))
    kwargs = {
        name: draw(_path_value(kind, world["path_values"][kind]))
        for name, kind in page.args.items()
    }
    if "/" in page.name or "." in page.name:  # an unnamed pattern: its route is its name
        path = f"/{page.name}"
    else:
        path = reverse(page.name, urlconf=URLCONFS[page.host], kwargs=kwargs or None)
    chosen = draw(st.sets(st.sampled_from(sorted(page.fields)))) if page.fields else set()
    pairs = [
        (name.encode(), draw(_field_values(page.fields[name], world["values"])))
        for name in sorted(chosen)
    ]
    if draw(st.integers(0, 4)) == 0:  # now and then, a field no page expects
        pairs.append((draw(hostile.hostile_values), draw(hostile.hostile_values)))
    files = []
    if method == "POST" and page.files:
        files = [(page.files[0].encode(), upload) for upload in draw(st.lists(hostile.uploads))]
    headers = {}
    if page.name.endswith("webhook"):
        headers = {
            name: draw(hostile.hostile_text).encode("utf-8", "replace").decode("latin-1")
            for name in draw(st.sets(st.sampled_from(WEBHOOK_HEADERS)))
        }
    in_query = method == "GET" or draw(st.booleans())
    query, form = (pairs, []) if in_query else ([], pairs)
    return Attempt(method, path, list(kwargs.values()), query, form, files, headers, page.raw_body)


def _send(client: Client, attempt: Attempt):
    extra = {"QUERY_STRING": hostile.urlencoded(attempt.query), **attempt.headers}
    if attempt.files:
        body, content_type = hostile.multipart(attempt.form, attempt.files)
    else:
        body = hostile.urlencoded(attempt.form).encode()
        content_type = "application/x-www-form-urlencoded"
    content_type = extra.pop("CONTENT_TYPE", content_type)
    return client.generic(attempt.method, attempt.path, body, content_type, **extra)


def _host(page: Page, tenant) -> str:
    return settings.BASE_DOMAIN if page.host == ROOT else tenant.host


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.key)
def test_hostile_input_never_breaks_a_page_and_a_refusal_changes_nothing(page, world):
    tenant = world["tenant"]
    client = Client(HTTP_HOST=_host(page, tenant), raise_request_exception=False)

    @hypothesis_settings(
        max_examples=page.examples,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(data=st.data())
    def check(data):
        attempt = data.draw(attempts(page, world))
        with transaction.atomic():  # every example starts from the same rows
            client.cookies.clear()
            if page.signed_in:
                with schema_context(tenant.schema_name):
                    client.force_login(world["owner_user"])
            if page.portal:
                client.cookies[portal_sessions.COOKIE_NAME] = world["portal_key"]
            before = _counts(tenant)
            response = _send(client, attempt)
            note(f"{attempt.method} {attempt.path} -> {response.status_code}")
            failed = response.status_code >= 500
            assert not failed or response.status_code in page.expected_errors, attempt
            if not attempt.storable:
                assert response.status_code == 400, f"unstorable input accepted: {attempt!r}"
            if response.status_code >= 400:
                assert _counts(tenant) == before, f"refused, yet rows changed: {attempt!r}"
            transaction.set_rollback(True)

    check()
