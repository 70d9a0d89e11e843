from django.conf import settings

from billing_saas.navigation import menu_for


def shell(request):
    """What the layout needs on every page: the account, its menu and the dev-only links."""
    tenant = getattr(request, "tenant", None)
    on_account = tenant is not None and not tenant.is_public
    user = getattr(request, "user", None)
    signed_in = on_account and user is not None and user.is_authenticated
    return {
        "account": tenant if on_account else None,
        "menu": menu_for(request) if signed_in else [],
        "dev_outbox_enabled": settings.DEV_OUTBOX,
        "base_domain": settings.BASE_DOMAIN,
    }
