"""Provider accounts (one PostgreSQL schema each) and the domains that reach them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class RoutingQuerySet(models.QuerySet):
    """A bulk update sends no ``post_save``: tell the routing cache here (tenants/routing_cache)."""

    def update(self, **kwargs):
        from tenants.routing_cache import accounts_changed

        count = super().update(**kwargs)
        accounts_changed()
        return count


class Tenant(TenantMixin):
    """A provider account. Lives in the public schema; its data lives in its own schema."""

    name = models.CharField(_("company name"), max_length=120)
    slug = models.SlugField(_("subdomain"), max_length=40, unique=True)
    owner_email = models.EmailField(_("owner email"), unique=True, null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=settings.DEFAULT_ACCOUNT_TIME_ZONE
    )
    # What its members and clients read by default (billing_saas/languages.py), and where it
    # is: together they say how amounts and dates are written (12 345,67 € in France).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoutingQuerySet.as_manager()

    auto_create_schema = True
    auto_drop_schema = False  # deleting an account row never destroys its data

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        from django_tenants.utils import get_public_schema_name

        return self.schema_name == get_public_schema_name()

    @property
    def tzinfo(self):
        import zoneinfo

        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def host(self) -> str:
        return f"{self.slug}.{settings.BASE_DOMAIN}"


class Domain(DomainMixin):
    """A host name that reaches one account (``<slug>.<BASE_DOMAIN>``)."""

    objects = RoutingQuerySet.as_manager()

    def __str__(self) -> str:
        return self.domain
