from django.urls import path

from bookings import views

app_name = "bookings"

# Included at "" (billing_saas/urls_tenant.py): full paths, beside the rest of Client Billing.
urlpatterns = [
    path("billing/bookings/", views.booking_list, name="list"),
    path("billing/bookings/new/", views.new_booking, name="new"),
    path("billing/bookings/<int:pk>/complete/", views.complete, name="complete"),
    path("billing/bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
]
