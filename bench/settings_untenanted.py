"""The bench's settings without the tenant middleware: the ceiling of tenant routing."""

from bench.settings import *  # noqa: F403
from bench.settings import MIDDLEWARE

TENANT_MIDDLEWARE = ("tenants.middleware.AccountMiddleware", "django_tenants.middleware")
MIDDLEWARE = [name for name in MIDDLEWARE if not name.startswith(TENANT_MIDDLEWARE)]
