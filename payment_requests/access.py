"""Who may use Client Billing: once installed, billing administrators and the employees
given access."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SLUG = "client-billing"


def is_installed() -> bool:
    from tenants.catalog.services import is_installed as installed

    return installed(SLUG)


def has_billing_access(user) -> bool:
    if not user.is_authenticated or not user.is_active or not is_installed():
        return False
    if user.is_billing_admin:
        return True
    from payment_requests.models import BillingAccess

    return BillingAccess.objects.filter(user=user).exists()


def billing_access_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_installed():
            messages.info(request, _("Client Billing is not installed in this account."))
            return redirect("catalog:detail", slug=SLUG)
        if not has_billing_access(request.user):
            raise PermissionDenied(
                _(
                    "Client Billing is open to billing administrators and to the employees "
                    "they share it with."
                )
            )
        return view(request, *args, **kwargs)

    return wrapper
