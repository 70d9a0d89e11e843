from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def billing_admin_required(view):
    """Only Account Owners, SuperUsers and AdminManageEmployees get through."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_billing_admin:
            raise PermissionDenied(_("This page is for billing administrators only."))
        return view(request, *args, **kwargs)

    return wrapper
