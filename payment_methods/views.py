"""The client portal's Payment methods: the cards and bank accounts the client keeps on the
account's payment platform, Add (the platform's hosted page: no card number ever reaches
us), and Show one: remove it, or make it the default when there are several.

A member who opened the client's portal (``client_portal/views/staff.py``) does the same on
the client's behalf; what they add records them (``SavedPaymentMethod.added_by``)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from client_portal.layout import layout_context
from client_portal.sessions import portal_client_required
from connectors.base import PlatformError
from payment_methods import services
from payment_methods.models import SavedPaymentMethod
from tenants.urls_helpers import account_url

SECTION = "payment_methods"


@never_cache
@require_GET
@portal_client_required
def method_list(request):
    """Back from the platform's page (``?added=1``), the list is read from the platform first."""
    connection = services.platform_able()
    added, error = [], ""
    if connection is not None and request.GET.get("added") == "1":
        try:
            opened_by = request.portal_session.opened_by
            added = services.sync(request.portal_client, connection, added_by=opened_by)
        except PlatformError as refusal:
            error = refusal.message
    return _list(request, connection, added=added, error=error)


def _list(request, connection, *, status=200, **extra):
    methods = services.of_client(request.portal_client, connection) if connection else []
    context = {**layout_context(request, SECTION), "able": connection is not None,
               "methods": methods, **extra}  # fmt: skip
    return render(request, "payment_methods/list.html", context, status=status)


@never_cache
@require_POST
@portal_client_required
def add(request):
    connection = services.platform_able()
    if connection is None:
        return redirect("payment_methods:list")
    back = account_url(request.tenant, reverse("payment_methods:list"), request)
    try:
        url = services.start_adding(request.portal_client, connection, f"{back}?added=1", back)
    except PlatformError as refusal:
        return _list(request, connection, error=refusal.message, status=502)
    return redirect(url)


def _method(request, pk) -> SavedPaymentMethod:
    """One of the signed-in client's methods, on the platform it is kept on now; else 404."""
    connection = services.platform_able()
    if connection is None:
        raise Http404
    found = services.of_client(request.portal_client, connection).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _detail(request, method, *, status=200, **extra):
    count = services.of_client(request.portal_client, method.connection).count()
    context = {**layout_context(request, SECTION), "method": method, "several": count > 1,
               "error": "", **extra}  # fmt: skip
    return render(request, "payment_methods/detail.html", context, status=status)


@never_cache
@require_GET
@portal_client_required
def detail(request, pk):
    return _detail(request, _method(request, pk))


@never_cache
@require_http_methods(["GET", "POST"])
@portal_client_required
def remove(request, pk):
    """GET asks to confirm; POST detaches the method on the platform."""
    method = _method(request, pk)
    if request.method == "GET":
        return _detail(request, method, confirming=True)
    try:
        services.remove(method)
    except PlatformError as refusal:
        return _detail(request, method, error=refusal.message, status=502)
    return redirect(f"{reverse('payment_methods:list')}?removed=1")


@never_cache
@require_POST
@portal_client_required
def make_default(request, pk):
    method = _method(request, pk)
    try:
        services.make_default(method)
    except PlatformError as refusal:
        return _detail(request, method, error=refusal.message, status=502)
    return redirect(f"{reverse('payment_methods:list')}?default=1")
