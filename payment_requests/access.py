"""Who may use Client Billing: once installed, billing administrators and the employees
given access.

The answer is worked out once per request and kept on the request's user object: the view's
check and the menu's two entries ask the same question on every page."""

from __future__ import annotations

from enum import Enum
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SLUG = "client-billing"
_MEMO = "_client_billing_access"


class Access(Enum):
    NOT_INSTALLED = "not installed"
    REFUSED = "refused"
    GRANTED = "granted"


def is_installed() -> bool:
    from solutions.services import is_installed as installed

    return installed(SLUG)


def billing_access(user) -> Access:
    """What ``user`` may do with Client Billing, asked of the database once per user object
    (a request's ``request.user`` lives as long as the request)."""
    known = getattr(user, _MEMO, None)
    if known is not None:
        return known
    if not user.is_authenticated or not user.is_active:
        answer = Access.REFUSED
    elif not is_installed():
        answer = Access.NOT_INSTALLED
    elif user.is_billing_admin:
        answer = Access.GRANTED
    else:
        from payment_requests.models import BillingAccess

        granted = BillingAccess.objects.filter(user=user).exists()
        answer = Access.GRANTED if granted else Access.REFUSED
    if user.is_authenticated:  # AnonymousUser is shared; never memoise on it
        setattr(user, _MEMO, answer)
    return answer


def has_billing_access(user) -> bool:
    return billing_access(user) is Access.GRANTED


def billing_access_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        access = billing_access(request.user)
        if access is Access.NOT_INSTALLED:
            messages.info(request, _("Client Billing is not installed in this account."))
            return redirect("solutions:detail", slug=SLUG)
        if access is not Access.GRANTED:
            raise PermissionDenied(
                _(
                    "Client Billing is open to billing administrators and to the employees "
                    "they share it with."
                )
            )
        return view(request, *args, **kwargs)

    return wrapper
