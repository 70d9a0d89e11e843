"""Creating provider accounts: the schema, its domain and its first owner, all or nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from billing_saas.languages import supported
from tenants.members.models import Role, User
from tenants.models import Domain, Tenant
from tenants.subdomains import schema_name_for, validate_subdomain

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewAccount:
    company_name: str
    subdomain: str
    owner_name: str
    email: str
    password: str
    country: str = ""
    language: str = ""  # blank: the default language (settings.LANGUAGE_CODE)


def check_new_account(data: NewAccount, *, allow_reserved: bool = False) -> dict[str, list[str]]:
    """Every problem with ``data``, by field; empty when the account can be created."""
    errors: dict[str, list[str]] = {}
    try:
        validate_subdomain(data.subdomain)
    except ValidationError as exc:
        if not (allow_reserved and exc.code == "reserved_subdomain"):
            errors["subdomain"] = exc.messages
    if "subdomain" not in errors and Tenant.objects.filter(slug=data.subdomain).exists():
        errors["subdomain"] = [_("This subdomain is already taken.")]
    if Tenant.objects.filter(owner_email__iexact=data.email).exists():
        errors["email"] = [_("An account already uses this email. Sign in to it instead.")]
    try:
        validate_password(data.password, User(email=data.email, full_name=data.owner_name))
    except ValidationError as exc:
        errors["password"] = exc.messages
    return errors


def create_account(data: NewAccount, *, allow_reserved: bool = False) -> tuple[Tenant, User]:
    """Create the account's schema, domain and owner in one transaction.

    Raises ValidationError (with a message per field) and creates nothing when the data is bad
    or when another sign-up took the subdomain or email a moment before.
    """
    errors = check_new_account(data, allow_reserved=allow_reserved)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            tenant = Tenant(
                schema_name=schema_name_for(data.subdomain),
                slug=data.subdomain,
                name=data.company_name.strip(),
                owner_email=data.email.lower(),
                country=data.country,
                language=supported(data.language) or settings.LANGUAGE_CODE,
            )
            tenant.save(verbosity=0)
            Domain.objects.create(domain=tenant.host, tenant=tenant, is_primary=True)
            with schema_context(tenant.schema_name):
                owner = User.objects.create_user(
                    data.email,
                    data.password,
                    full_name=data.owner_name.strip(),
                    role=Role.ACCOUNT_OWNER,
                )
    except IntegrityError:
        raise ValidationError(
            {"subdomain": [_("This subdomain or email was just taken. Please try again.")]}
        ) from None
    logger.info("account %s created (schema %s)", tenant.slug, tenant.schema_name)
    return tenant, owner


def ensure_public_tenant() -> Tenant:
    """The public schema's row and the root domain, created once."""
    public, _created = Tenant.objects.get_or_create(
        schema_name=get_public_schema_name(),
        defaults={"name": "Billing", "slug": "public-root", "owner_email": None},
    )
    Domain.objects.get_or_create(
        domain=settings.BASE_DOMAIN, defaults={"tenant": public, "is_primary": True}
    )
    return public


def active_tenants():
    return Tenant.objects.exclude(schema_name=get_public_schema_name()).filter(is_active=True)
