"""Finds the account a request is for, from its host name, and switches to its schema."""

from django.shortcuts import render
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
            return render(request, "tenants/unknown_account.html",
                          {"hostname": request.tenant.domain_url}, status=404)
        return None
