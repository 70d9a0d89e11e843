from django.urls import path

from client_portal.views import (
    access,
    credits,
    invoices,
    payments,
    profile,
    quotes,
    register,
    settings_page,
    staff,
    statements,
)

app_name = "client_portal"

urlpatterns = [
    path("portal/", invoices.home, name="home"),
    path("portal/sign-in/", access.sign_in_page, name="sign_in"),
    path("portal/sign-out/", access.sign_out, name="sign_out"),
    path("portal/open/<str:token>/", access.open_link, name="open_link"),
    path("portal/open/<str:token>/fresh/", access.fresh_link, name="fresh_link"),
    path("portal/register/", register.register_page, name="register"),
    path(
        "portal/register/<str:token>/",
        register.confirm_registration,
        name="confirm_registration",
    ),
    path("portal/invoices/", invoices.invoice_list, name="invoices"),
    path("portal/invoices/<int:pk>/", invoices.invoice_detail, name="invoice"),
    path("portal/invoices/<int:pk>/pdf/", invoices.invoice_pdf, name="invoice_pdf"),
    path("portal/invoices/<int:pk>/pay/", invoices.pay, name="pay"),
    path("portal/quotes/", quotes.quote_list, name="quotes"),
    path("portal/quotes/<int:pk>/", quotes.quote_detail, name="quote"),
    path("portal/quotes/<int:pk>/approve/", quotes.approve, name="quote_approve"),
    path("portal/quotes/<int:pk>/decline/", quotes.decline, name="quote_decline"),
    path("portal/payments/", payments.payment_list, name="payments"),
    path("portal/payments/<int:pk>/", payments.receipt, name="payment"),
    path("portal/credits/", credits.credit_list, name="credits"),
    path("portal/profile/", profile.profile, name="profile"),
    path("portal/statements/", statements.statement_page, name="statements"),
    path("portal/statements/pdf/", statements.statement_pdf, name="statement_pdf"),
    path("settings/client-portal/", settings_page.portal_settings, name="settings"),
    path("billing/clients/<int:pk>/open-portal/", staff.open_portal, name="staff_open"),
    path(
        "billing/requests/<int:pk>/open-portal/",
        staff.open_invoice_portal,
        name="staff_open_invoice",
    ),
]
