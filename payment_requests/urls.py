from django.urls import path

from payment_requests import public_views
from payment_requests.views import (
    dashboard_page,
    more_actions,
    pdf,
    request_form,
    request_panel,
    settings_pages,
    tax_rates,
)

app_name = "payment_requests"

urlpatterns = [
    path("billing/", dashboard_page.dashboard_page, name="dashboard"),
    path("billing/live/", dashboard_page.dashboard_live, name="live"),
    path("billing/requests/new/", request_form.new_request, name="new"),
    path("billing/requests/<int:pk>/", request_panel.detail, name="detail"),
    path("billing/requests/<int:pk>/pdf/", pdf.request_pdf, name="pdf"),
    path("billing/requests/<int:pk>/edit/", request_form.edit_request, name="edit"),
    path("billing/requests/<int:pk>/send/", request_panel.send, name="send"),
    path("billing/requests/<int:pk>/remind/", request_panel.remind, name="remind"),
    path(
        "billing/requests/<int:pk>/messages/<int:message_pk>/resend/",
        request_panel.resend_message,
        name="resend_message",
    ),
    path("billing/requests/<int:pk>/cancel/", request_panel.cancel, name="cancel"),
    path("billing/requests/<int:pk>/delete/", request_panel.delete, name="delete"),
    path(
        "billing/requests/<int:pk>/files/<int:attachment_pk>/",
        request_panel.attachment,
        name="attachment",
    ),
    path("billing/requests/<int:pk>/email/", more_actions.email_invoice, name="email_invoice"),
    path("billing/requests/<int:pk>/mark-sent/", more_actions.mark_sent, name="mark_sent"),
    path("billing/requests/<int:pk>/mark-paid/", more_actions.mark_paid, name="mark_paid"),
    path(
        "billing/requests/<int:pk>/payments/<int:payment_pk>/undo/",
        more_actions.undo_payment,
        name="undo_payment",
    ),
    path("billing/access/", settings_pages.access, name="access"),
    path("billing/settings/", settings_pages.billing_settings, name="settings"),
    path("billing/settings/taxes/", tax_rates.tax_rates, name="tax_rates"),
    path("pay/thanks/", public_views.thanks, name="thanks"),
    path("pay/brand/logo/", public_views.brand_logo, name="brand_logo"),
    path("pay/<str:token>/", public_views.public_link, name="public_link"),
    path("pay/<str:token>/go/", public_views.go_pay, name="go_pay"),
    path("pay/<str:token>/pdf/", public_views.public_pdf, name="public_pdf"),
    path("pay/<str:token>/language/", public_views.choose_language, name="choose_language"),
    path(
        "pay/<str:token>/files/<int:attachment_pk>/",
        public_views.public_attachment,
        name="public_attachment",
    ),
]
