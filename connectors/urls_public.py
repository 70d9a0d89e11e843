from django.urls import path

from connectors import views, webhook_views

urlpatterns = [
    path("connect/<str:platform>/callback/", views.oauth_callback_router, name="connect_callback"),
    path("webhooks/stripe/<str:mode>/", webhook_views.stripe_webhook, name="stripe_webhook"),
    path("webhooks/quickbooks/", webhook_views.quickbooks_webhook, name="quickbooks_webhook"),
]
