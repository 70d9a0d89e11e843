"""Absolute URLs on an account's subdomain or the root domain, keeping scheme and port."""

from django.conf import settings


def _scheme_and_port(request) -> tuple[str, str]:
    if request is None:  # emails sent by workers: the public port, if not the default one
        return settings.SITE_SCHEME, f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    host = request.get_host()
    port = ":" + host.rsplit(":", 1)[1] if ":" in host else ""
    return request.scheme, port


def account_url(tenant, path: str, request=None) -> str:
    scheme, port = _scheme_and_port(request)
    return f"{scheme}://{tenant.host}{port}{path}"


def root_url(path: str, request=None) -> str:
    scheme, port = _scheme_and_port(request)
    return f"{scheme}://{settings.BASE_DOMAIN}{port}{path}"
