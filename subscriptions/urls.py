from django.urls import path

from subscriptions.views import portal, staff

app_name = "subscriptions"

urlpatterns = [
    path("billing/plans/", staff.plans, name="plans"),
    path("billing/plans/<int:pk>/link/", staff.plan_link, name="plan_link"),
    path("billing/subscriptions/", staff.subscription_list, name="list"),
    path("billing/subscriptions/portal-options/", staff.portal_options, name="portal_options"),
    # The client's portal (a section of client_portal's layout).
    path("portal/subscriptions/", portal.portal_list, name="portal_list"),
    path("portal/subscriptions/<int:pk>/cancel/", portal.portal_cancel, name="portal_cancel"),
    path("portal/subscriptions/<int:pk>/plan/", portal.portal_plan, name="portal_plan"),
    path("portal/subscriptions/<int:pk>/invoices/", portal.portal_invoices, name="portal_invoices"),
]
