from django.urls import path

from products import views

app_name = "products"

# Under /billing/products/ (billing_saas/urls_tenant.py), beside the clients.
urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_form, name="new"),
    path("<int:pk>/", views.product_form, name="edit"),
    path("<int:pk>/archive/", views.archive, name="archive"),
    path("<int:pk>/restore/", views.restore, name="restore"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("inline/", views.create_inline, name="create_inline"),
]
