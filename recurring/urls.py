from django.urls import path

from recurring.views import builder, pages, portal

app_name = "recurring"

urlpatterns = [
    path("billing/recurring/", pages.recurring_list, name="list"),
    path("billing/recurring/new/", builder.new_recurring, name="new"),
    path("billing/recurring/<int:pk>/", pages.detail, name="detail"),
    path("billing/recurring/<int:pk>/edit/", builder.edit_recurring, name="edit"),
    path("billing/recurring/<int:pk>/pause/", pages.pause, name="pause"),
    path("billing/recurring/<int:pk>/resume/", pages.resume, name="resume"),
    path("billing/recurring/<int:pk>/stop/", pages.stop, name="stop"),
    # The client's portal (a section of client_portal's layout).
    path("portal/recurring/", portal.portal_list, name="portal_list"),
    path("portal/recurring/<int:pk>/", portal.portal_detail, name="portal_detail"),
]
