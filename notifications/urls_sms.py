from django.urls import path

from notifications import views_sms as views

app_name = "sms_settings"

urlpatterns = [
    path("", views.sms_settings, name="edit"),
    path("test/", views.send_test, name="test"),
]
