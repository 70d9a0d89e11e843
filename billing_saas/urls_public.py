"""URLs of the root domain: landing page, sign-up, finding one's account."""

from django.conf import settings
from django.urls import include, path

from billing_saas.favicon import favicon
from billing_saas.health import healthz
from tenants import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("signup/", views.signup, name="signup"),
    path("sign-in/", views.find_account, name="find_account"),
    path("sign-in/links/", views.email_account_links, name="email_account_links"),
    path("sign-in/links/sent/", views.account_links_sent, name="account_links_sent"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("connectors.urls_public")),
    path("", include("notifications.urls_public")),
]
# The product's error pages on this host too (see billing_saas/errors.py).
handler400 = "billing_saas.errors.bad_request"
handler403 = "billing_saas.errors.permission_denied"
handler404 = "billing_saas.errors.page_not_found"
handler500 = "billing_saas.errors.server_error"

if settings.DEV_OUTBOX:
    urlpatterns.append(path("dev/outbox/", include("notifications.urls_outbox")))
