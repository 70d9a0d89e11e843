from django.urls import path

from notifications import twilio_webhooks

urlpatterns = [
    path("webhooks/twilio/inbound/", twilio_webhooks.inbound_sms, name="twilio_inbound"),
]
