from django.urls import path

from payment_requests import public_views, views

app_name = "payment_requests"

urlpatterns = [
    path("billing/", views.dashboard_page, name="dashboard"),
    path("billing/live/", views.dashboard_live, name="live"),
    path("billing/clients/suggestions/", views.client_suggestions, name="client_suggestions"),
    path("billing/requests/new/", views.new_request, name="new"),
    path("billing/requests/<int:pk>/", views.detail, name="detail"),
    path("billing/requests/<int:pk>/edit/", views.edit_request, name="edit"),
    path("billing/requests/<int:pk>/send/", views.send, name="send"),
    path("billing/requests/<int:pk>/remind/", views.remind, name="remind"),
    path("billing/requests/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("billing/requests/<int:pk>/delete/", views.delete, name="delete"),
    path(
        "billing/requests/<int:pk>/files/<int:attachment_pk>/", views.attachment, name="attachment"
    ),
    path("billing/clients/", views.clients, name="clients"),
    path("billing/clients/new/", views.client_form, name="client_new"),
    path("billing/clients/<int:pk>/", views.client_form, name="client_edit"),
    path("billing/access/", views.access, name="access"),
    path("billing/settings/", views.billing_settings, name="settings"),
    path("pay/thanks/", public_views.thanks, name="thanks"),
    path("pay/brand/logo/", public_views.brand_logo, name="brand_logo"),
    path("pay/<str:token>/", public_views.public_link, name="public_link"),
    path("pay/<str:token>/go/", public_views.go_pay, name="go_pay"),
    path("pay/<str:token>/language/", public_views.choose_language, name="choose_language"),
    path(
        "pay/<str:token>/files/<int:attachment_pk>/",
        public_views.public_attachment,
        name="public_attachment",
    ),
]
