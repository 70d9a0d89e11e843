from django.urls import path

from clients import views

app_name = "clients"

# Under /billing/clients/ (billing_saas/urls_tenant.py), where they have always been.
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_form, name="new"),
    path("<int:pk>/", views.client_form, name="edit"),
    path("suggestions/", views.suggestions, name="suggestions"),
]
