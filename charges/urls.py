from django.urls import path

from charges.views import api, api_keys, charge_form, client_payments, list_page

app_name = "charges"

# Included at the root of an account's host (billing_saas/urls_tenant.py): full paths here.
urlpatterns = [
    path("billing/charges/", list_page.charge_list, name="list"),
    path("billing/charges/new/", charge_form.new_charge, name="new"),
    path("billing/charges/<int:pk>/cancel/", list_page.cancel, name="cancel"),
    path(
        "billing/clients/<int:pk>/payments/",
        client_payments.client_payments,
        name="client_payments",
    ),
    path("settings/api-keys/", api_keys.api_keys, name="api_keys"),
    path("settings/api-keys/<int:pk>/revoke/", api_keys.revoke, name="revoke_api_key"),
    path("api/v1/charges/", api.charges, name="api_charges"),
    path("api/v1/charges/<int:pk>/", api.charge, name="api_charge"),
    path("api/v1/charges/<int:pk>/cancel/", api.cancel, name="api_cancel"),
]
