from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def billing_admin_required(view):
    """Only Account Owners, SuperUsers and AdminManageEmployees get through."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_billing_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
