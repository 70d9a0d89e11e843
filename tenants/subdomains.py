"""Rules for the subdomain a provider account is reached at."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SUBDOMAIN_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")

# Names that look like ours, belong to infrastructure, or would confuse clients.
RESERVED_SUBDOMAINS = frozenset(
    """
    about account accounts admin administrator api app apps assets auth billing blog cdn
    checkout client clients dashboard demo dev docs email ftp help imap info invoice invoices
    login logout mail media mx news ns ns1 ns2 oauth pay payment payments pop portal postgres
    public redis root secure security signup smtp sso stage staging static status stripe
    support system test webhook webhooks www quickbooks intuit
    """.split()
)


def schema_name_for(subdomain: str) -> str:
    """The PostgreSQL schema of an account: prefixed so it never clashes with system schemas."""
    return "t_" + subdomain.replace("-", "_")


def validate_subdomain(value: str) -> str:
    value = (value or "").strip().lower()
    if not SUBDOMAIN_PATTERN.match(value) or "--" in value:
        raise ValidationError(
            _(
                "Use 3 to 40 lowercase letters, digits or hyphens, starting with a letter "
                "and not ending with a hyphen."
            ),
            code="invalid_subdomain",
        )
    if value in RESERVED_SUBDOMAINS:
        raise ValidationError(
            _("“%(value)s” is reserved. Please choose another subdomain."),
            code="reserved_subdomain",
            params={"value": value},
        )
    return value
