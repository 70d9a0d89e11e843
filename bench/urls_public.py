"""The root domain's URLs, plus the bare views."""

from django.urls import path

from bench.bare_views import bare, bare_post
from billing_saas import urls_public as product

urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/bare-post/", bare_post, name="bench_bare_post"),
    *product.urlpatterns,
]
handler400 = product.handler400
handler403 = product.handler403
handler404 = product.handler404
handler500 = product.handler500
