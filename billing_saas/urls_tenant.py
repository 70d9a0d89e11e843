"""URLs of an account's subdomain: the dashboard and every solution installed in it."""

from django.conf import settings
from django.urls import include, path

from billing_saas.favicon import favicon
from billing_saas.health import healthz
from notifications.twilio_webhooks import account_inbound_sms, message_status
from tenants.dashboard import dashboard

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("accounts/", include("tenants.members.urls")),
    path("settings/payments/", include("connectors.urls")),
    path("settings/email/", include("notifications.urls_email")),
    path("settings/sms/", include("notifications.urls_sms")),
    path("webhooks/twilio/messages/<int:pk>/status/", message_status, name="twilio_status"),
    path("webhooks/twilio/inbound/", account_inbound_sms, name="twilio_account_inbound"),
    path("catalog/", include("solutions.urls")),
    path("billing/clients/", include("clients.urls")),
    path("billing/products/", include("products.urls")),
    path("", include("payment_requests.urls")),
    path("", include("quotes.urls")),
    path("", include("charges.urls")),
    path("", include("bookings.urls")),
    path("", include("auto_invoicing.urls")),
    path("", include("credits.urls")),
    path("", include("recurring.urls")),
    path("", include("subscriptions.urls")),
    path("", include("client_portal.urls")),
    path("", include("payment_methods.urls")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("i18n/", include("django.conf.urls.i18n")),
]
# The product's error pages on this host too (see billing_saas/errors.py).
handler400 = "billing_saas.errors.bad_request"
handler403 = "billing_saas.errors.permission_denied"
handler404 = "billing_saas.errors.page_not_found"
handler500 = "billing_saas.errors.server_error"

if settings.DEV_OUTBOX:
    urlpatterns.append(path("dev/outbox/", include("notifications.urls_outbox")))
