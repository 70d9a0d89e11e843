"""Finds the account a request is for, from its host name, and switches to its schema."""

import zoneinfo

from django.shortcuts import render
from django.utils import timezone
from django_tenants.middleware.main import TenantMainMiddleware


class AccountMiddleware(TenantMainMiddleware):
    """django-tenants' host routing, with a clear page for hosts that reach no account."""

    def no_tenant_found(self, request, hostname):
        return render(request, "tenants/unknown_account.html", {"hostname": hostname}, status=404)

    def process_request(self, request):
        response = super().process_request(request)
        if response is not None:
            return response
        if not request.tenant.is_active:
            return render(
                request,
                "tenants/unknown_account.html",
                {"hostname": request.tenant.domain_url},
                status=404,
            )
        return None


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
