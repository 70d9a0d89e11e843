from django.urls import path

from notifications import views_email as views

app_name = "email_settings"

urlpatterns = [
    path("", views.email_settings, name="edit"),
    path("test/", views.send_test, name="test"),
]
