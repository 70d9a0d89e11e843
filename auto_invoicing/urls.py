from django.urls import path

from auto_invoicing.views import runs_pages, settings_page

app_name = "auto_invoicing"

urlpatterns = [
    path(
        "settings/payments/auto-send/",
        settings_page.auto_send_settings,
        name="settings",
    ),
    path("billing/runs/", runs_pages.run_list, name="runs"),
    path("billing/runs/start/", runs_pages.run_now, name="run_now"),
    path("billing/runs/<int:pk>/", runs_pages.run_detail, name="run"),
    path("billing/runs/<int:pk>/retry/", runs_pages.retry_failed, name="retry_failed"),
    path(
        "billing/runs/<int:pk>/documents/<int:document_pk>/retry/",
        runs_pages.retry_document,
        name="retry_document",
    ),
]
