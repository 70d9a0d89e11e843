"""The pages people see when something goes wrong, in the product's look, on every host.

Both URLconfs (root domain and accounts) name these as their error handlers, and
CSRF_FAILURE_VIEW points at ``csrf_failure``. Signed-in members on their account's host keep
the menu; everyone else gets the public layout. The 500 page renders with no context at all:
whatever broke the request (the database, a context processor) may be broken for it too.
"""

from django.core.exceptions import BadRequest
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token

ADMINS_SHOWN = 3


def _member_on_account(request) -> bool:
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    on_account = tenant is not None and not tenant.is_public
    return on_account and user is not None and user.is_authenticated


def _render(request, template: str, status: int, **context):
    context["layout"] = "layouts/app.html" if _member_on_account(request) else "layouts/public.html"
    return render(request, template, context, status=status)


class BadInput(BadRequest):
    """A request refused for what it carries, with a sentence written for the screen."""


@requires_csrf_token
def bad_request(request, exception):
    # Only our own refusals say why: Django's (a bad Host header…) are worded for logs.
    reason = _reason(exception) if isinstance(exception, BadInput) else ""
    return _render(request, "errors/400.html", 400, reason=reason)


@requires_csrf_token
def permission_denied(request, exception):
    """Says why (the message PermissionDenied was raised with, if any) and whom to ask."""
    admins = []
    if _member_on_account(request):
        from tenants.members.models import User

        admins = User.objects.billing_admins().exclude(pk=request.user.pk)[:ADMINS_SHOWN]
    return _render(request, "errors/403.html", 403, reason=_reason(exception), admins=admins)


def _reason(exception) -> str:
    # Our views raise PermissionDenied with a sentence written for the screen, or with nothing.
    message = exception.args[0] if exception is not None and exception.args else ""
    return str(message) if isinstance(message, str | Promise) else ""


@requires_csrf_token
def page_not_found(request, exception):
    return _render(request, "errors/404.html", 404)


def server_error(request):
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


def csrf_failure(request, reason=""):
    """A form sent with a missing or stale CSRF token: usually a page left open too long."""
    referer = request.META.get("HTTP_REFERER", "")
    same_site = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    retry_url = referer if same_site else request.get_full_path()
    return _render(request, "errors/csrf_failure.html", 403, retry_url=retry_url)
