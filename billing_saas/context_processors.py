"""What every page's layout is given: the ``shell`` context processor."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from billing_saas.navigation import menu_for


@dataclass(frozen=True)
class Member:
    """What the user menu shows of the signed-in member; frozen, so the layout can keep the
    rendered menu by it (billing_saas/kept_parts.py)."""

    initials: str
    full_name: str
    email: str
    role: str


def shell(request):
    """What the layout needs on every page: the account, its menu, the signed-in member and
    the dev-only links."""
    tenant = getattr(request, "tenant", None)
    on_account = tenant is not None and not tenant.is_public
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    signed_in = on_account and authenticated
    return {
        "account": tenant if on_account else None,
        "menu": menu_for(request) if signed_in else (),
        "signed_in_member": (
            Member(user.initials, user.full_name, user.email, user.get_role_display())
            if authenticated
            else None
        ),
        # Linked only for those the outbox lets in (notifications/views_outbox.py).
        "dev_outbox_enabled": settings.DEV_OUTBOX
        and authenticated
        and (user.is_superuser or (on_account and user.is_billing_admin)),
        "base_domain": settings.BASE_DOMAIN,
    }
