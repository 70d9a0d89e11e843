from django.urls import path

from payment_methods import views

app_name = "payment_methods"

# A section of the client's portal (client_portal/layout.py): under /portal/, where the
# portal's cookie is sent.
urlpatterns = [
    path("portal/payment-methods/", views.method_list, name="list"),
    path("portal/payment-methods/add/", views.add, name="add"),
    path("portal/payment-methods/<int:pk>/", views.detail, name="detail"),
    path("portal/payment-methods/<int:pk>/remove/", views.remove, name="remove"),
    path("portal/payment-methods/<int:pk>/default/", views.make_default, name="make_default"),
]
