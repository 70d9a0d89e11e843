from django.urls import path

from credits.views import list_page, note_page

app_name = "credits"

# Included at the root of an account's host (billing_saas/urls_tenant.py): full paths here.
urlpatterns = [
    path("billing/credits/", list_page.credit_list, name="list"),
    path("billing/credits/new/", note_page.new_credit_note, name="new"),
    path("billing/credits/<int:pk>/", note_page.detail, name="detail"),
    path("billing/credits/<int:pk>/use/", note_page.change_use, name="change_use"),
    path("billing/credits/<int:pk>/refund/", note_page.record_refund, name="refund"),
    path("billing/credits/<int:pk>/void/", note_page.void, name="void"),
]
