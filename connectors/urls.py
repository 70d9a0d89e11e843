from django.urls import path

from connectors import views

app_name = "connectors"

urlpatterns = [
    path("", views.connections, name="connections"),
    path("stripe/connect/", views.connect_stripe, name="connect_stripe"),
    path("quickbooks/connect/", views.connect_quickbooks, name="connect_quickbooks"),
    path("stripe/new-account/", views.new_stripe_account, name="new_stripe_account"),
    path("<str:platform>/callback/", views.oauth_finish, name="oauth_finish"),
    path("<int:pk>/onboarding/return/", views.onboarding_return, name="onboarding_return"),
    path("<int:pk>/onboarding/refresh/", views.onboarding_refresh, name="onboarding_refresh"),
    path("<int:pk>/disconnect/", views.disconnect, name="disconnect"),
]
