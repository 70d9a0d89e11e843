from django.urls import path

from quotes.views import builder, detail_page, list_page, public, review

app_name = "quotes"

urlpatterns = [
    path("billing/quotes/", list_page.quote_list, name="list"),
    path("billing/quotes/new/", builder.new_quote, name="new"),
    path("billing/quotes/<int:pk>/", detail_page.detail, name="detail"),
    path("billing/quotes/<int:pk>/edit/", builder.edit_quote, name="edit"),
    path("billing/quotes/<int:pk>/review/", review.review, name="review"),
    path("billing/quotes/<int:pk>/pay-now/", review.pay_now, name="pay_now"),
    path("billing/quotes/<int:pk>/send/", detail_page.send, name="send"),
    path("billing/quotes/<int:pk>/approve/", detail_page.approve, name="approve"),
    path("billing/quotes/<int:pk>/send-invoice/", detail_page.send_invoice, name="send_invoice"),
    path("billing/quotes/<int:pk>/cancel/", detail_page.cancel, name="cancel"),
    path("billing/quotes/<int:pk>/expire/", detail_page.expire, name="expire"),
    path("billing/quotes/<int:pk>/pdf/", detail_page.pdf, name="pdf"),
    # The client's pages, behind the link it got.
    path("quote/<str:token>/", public.public_quote, name="public"),
    path("quote/<str:token>/approve/", public.approve, name="public_approve"),
    path("quote/<str:token>/decline/", public.decline, name="public_decline"),
    path("quote/<str:token>/pay/", public.pay, name="public_pay"),
    path("quote/<str:token>/pdf/", public.public_pdf, name="public_pdf"),
]
