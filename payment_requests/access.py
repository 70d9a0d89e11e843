"""Who may use Client Billing: billing administrators, and employees given access."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def has_billing_access(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_billing_admin:
        return True
    from payment_requests.models import BillingAccess

    return BillingAccess.objects.filter(user=user).exists()


def billing_access_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_billing_access(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
