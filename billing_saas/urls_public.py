"""URLs of the root domain: landing page, sign-up, finding one's account."""

from django.conf import settings
from django.urls import include, path

from billing_saas.health import healthz
from tenants import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("signup/", views.signup, name="signup"),
    path("sign-in/", views.find_account, name="find_account"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("connectors.urls_public")),
]
if settings.DEV_OUTBOX:
    urlpatterns.append(path("dev/outbox/", include("notifications.urls_outbox")))
