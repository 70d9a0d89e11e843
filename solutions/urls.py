from django.urls import path

from solutions import views

app_name = "solutions"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/install/", views.wizard, name="wizard"),
    path("<slug:slug>/installation/", views.progress, name="progress"),
    path("<slug:slug>/retry/", views.retry, name="retry"),
    path("<slug:slug>/uninstall/", views.uninstall, name="uninstall"),
]
