from django.urls import path

from notifications import views_outbox as views

app_name = "outbox"

urlpatterns = [
    path("", views.outbox, name="list"),
    path("<int:pk>/", views.message, name="message"),
    path("<int:pk>/html/", views.message_html, name="html"),
    path("<int:pk>/attachments/<int:index>/", views.attachment, name="attachment"),
]
