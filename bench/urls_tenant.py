"""An account's URLs, plus the bare view."""

from django.urls import path

from bench.bare_views import bare
from billing_saas import urls_tenant as product

urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *product.urlpatterns]
handler400 = product.handler400
handler403 = product.handler403
handler404 = product.handler404
handler500 = product.handler500
