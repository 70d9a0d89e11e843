"""Finds the account a request is for, from its host name, and switches to its schema."""

import zoneinfo

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django_tenants.middleware.main import TenantMainMiddleware

from billing_saas.languages import language_for
from tenants.routing_cache import account_for_host, one_read_per_request
from tenants.urls_helpers import root_url


class AccountMiddleware(TenantMainMiddleware):
    """django-tenants' host routing, with a clear page for hosts that reach no account."""

    def __call__(self, request):
        with one_read_per_request():
            return super().__call__(request)

    def get_tenant(self, domain_model, hostname):
        # Remembered between requests (one Redis read instead of a database query), and
        # forgotten by every process as soon as an account or a domain changes.
        tenant = account_for_host(hostname)
        if tenant is None:
            raise domain_model.DoesNotExist
        return tenant

    def no_tenant_found(self, request, hostname):
        return self.unknown_account(request, hostname)

    def process_request(self, request):
        # A host outside ALLOWED_HOSTS raises DisallowedHost here, which Django answers with our
        # 400 page; django-tenants would catch it and answer with an empty 404.
        request.get_host()
        response = super().process_request(request)
        if response is not None:
            return response
        if not request.tenant.is_active:
            return self.unknown_account(request, request.tenant.domain_url)
        return None

    @staticmethod
    def unknown_account(request, hostname):
        find_account = reverse("find_account", urlconf=settings.PUBLIC_SCHEMA_URLCONF)
        context = {
            "hostname": hostname,
            "find_account_url": root_url(find_account, request),
            "home_url": root_url("/", request),
            "layout": "layouts/public.html",
        }
        # Before the language middleware: the visitor's language (no account speaks here).
        with translation.override(language_for(request) or settings.LANGUAGE_CODE):
            return render(request, "tenants/unknown_account.html", context, status=404)


class AccountTimeZoneMiddleware:
    """Shows dates and times in the account's time zone (they are stored in UTC)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        zone = getattr(tenant, "time_zone", None)
        if zone and not tenant.is_public:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            except zoneinfo.ZoneInfoNotFoundError:
                timezone.deactivate()
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
