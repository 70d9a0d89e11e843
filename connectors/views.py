"""Payment platform settings on an account's subdomain: connect, onboard, disconnect."""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing_saas.refusals import ActionRefused
from connectors import services
from connectors.base import PlatformError
from connectors.forms import ConnectStripeForm, NewStripeAccountForm
from connectors.models import Connection
from connectors.registry import app_for
from tenants.members.permissions import billing_admin_required
from tenants.urls_helpers import account_url, root_url

log = logging.getLogger(__name__)
SESSION_STATE = "connectors:oauth_state:{platform}"
SESSION_NEXT = "connectors:next"


def _next(request) -> str:
    """Where a wizard (the catalog's) asked to come back to once the platform is connected."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return ""


def _remember_next(request) -> None:
    # Started without one: an abandoned wizard must not catch this connection afterwards.
    if target := _next(request):
        request.session[SESSION_NEXT] = target
    else:
        request.session.pop(SESSION_NEXT, None)


def _opened_from_wizard(request) -> str:
    """The catalog wizard's URL when it opened this page, so the page stays one of its steps
    (its step indicator, its menu entry); empty otherwise."""
    target = _next(request)
    try:
        from_wizard = target and resolve(urlsplit(target).path).view_name == "solutions:wizard"
    except Resolver404:
        from_wizard = False
    if from_wizard:
        request.menu_path = target
    return target if from_wizard else ""


def _back(request):
    return redirect(request.session.pop(SESSION_NEXT, None) or "connectors:connections")


@billing_admin_required
@require_GET
def connections(request):
    rows = Connection.objects.select_related("connected_by").exclude(
        status=Connection.Status.DISCONNECTED
    )
    past = Connection.objects.filter(status=Connection.Status.DISCONNECTED)[:20]
    stripe_app = app_for("stripe")
    quickbooks_app = app_for("quickbooks")
    return render(
        request,
        "connectors/connections.html",
        {
            "connections": rows,
            "past_connections": past,
            "connect_form": ConnectStripeForm(),
            "stripe_configured": stripe_app.is_configured("test")
            or stripe_app.is_configured("live"),
            "quickbooks_configured": quickbooks_app.is_configured("test")
            or quickbooks_app.is_configured("live"),
        },
    )


CALLBACK_KEYS = ("code", "state", "scope", "error", "error_description", "realmId")


def _callback_url(request, platform: str) -> str:
    path = reverse("connect_callback", urlconf="billing_saas.urls_public", args=[platform])
    return root_url(path, request)


def _start_oauth(request, platform: str, mode: str, prefill: dict):
    _remember_next(request)
    try:
        url, state_hash = services.authorization_url(
            request.tenant,
            request.user,
            platform,
            mode,
            prefill,
            redirect_uri=_callback_url(request, platform),
        )
    except (ActionRefused, PlatformError) as refused:
        messages.error(request, refused.message)
        return _back(request)
    request.session[SESSION_STATE.format(platform=platform)] = state_hash
    return redirect(url)


@billing_admin_required
@require_POST
def connect_stripe(request):
    form = ConnectStripeForm(request.POST)
    form.is_valid()
    return _start_oauth(
        request,
        "stripe",
        form.mode,
        {"email": request.user.email, "business_name": request.tenant.name},
    )


@billing_admin_required
@require_POST
def connect_quickbooks(request):
    from connectors.quickbooks.app import current_mode

    return _start_oauth(request, "quickbooks", current_mode(), {})


@billing_admin_required
@require_GET
def oauth_finish(request, platform):
    """The platform's answer, forwarded here from the root-domain callback."""
    if platform not in ("stripe", "quickbooks"):
        return redirect("connectors:connections")
    session_state = request.session.pop(SESSION_STATE.format(platform=platform), "")
    params = {key: request.GET.get(key, "")[:500] for key in CALLBACK_KEYS}
    params["redirect_uri"] = _callback_url(request, platform)
    try:
        connection = services.complete_authorization(
            request.tenant, request.user, platform, params, session_state
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return _back(request)
    messages.success(
        request,
        _("%(platform)s account “%(name)s” connected (%(mode)s mode).")
        % {
            "platform": connection.get_platform_display(),
            "name": connection.name,
            "mode": connection.get_mode_display(),
        },
    )
    return _back(request)


@billing_admin_required
@require_http_methods(["GET", "POST"])
def new_stripe_account(request):
    _remember_next(request)
    wizard = _opened_from_wizard(request)
    form = NewStripeAccountForm(
        request.POST or None, initial={"business_name": request.tenant.name}
    )
    if request.method == "POST" and form.is_valid():

        def urls_for(pk):
            return tuple(
                account_url(request.tenant, reverse(name, args=[pk]), request)
                for name in ("connectors:onboarding_return", "connectors:onboarding_refresh")
            )

        try:
            _connection, link = services.create_stripe_account(
                request.tenant,
                request.user,
                mode=form.mode,
                country=form.cleaned_data["country"],
                business_name=form.cleaned_data["business_name"],
                privacy_url=form.cleaned_data["privacy_url"],
                terms_url=form.cleaned_data["terms_url"],
                urls_for=urls_for,
            )
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            return redirect(link)
    return render(
        request,
        "connectors/new_stripe_account.html",
        {"form": form, "wizard": wizard, "cancel_url": wizard or reverse("connectors:connections")},
    )


@billing_admin_required
@require_GET
def onboarding_return(request, pk):
    connection = get_object_or_404(Connection, pk=pk, platform="stripe")
    try:
        ready = services.refresh_onboarding(connection)
    except PlatformError as error:
        messages.error(request, error.message)
        return _back(request)
    if ready:
        messages.success(request, _("Your Stripe account is ready to take payments."))
    else:
        messages.warning(
            request,
            _(
                "Stripe still needs some details before this account can "
                "take payments. Use “Finish onboarding” to continue."
            ),
        )
    return _back(request)


@billing_admin_required
@require_http_methods(["GET", "POST"])
def onboarding_refresh(request, pk):
    """Stripe's onboarding links expire within minutes: this mints a new one."""
    connection = get_object_or_404(
        Connection, pk=pk, platform="stripe", status=Connection.Status.ONBOARDING
    )
    from connectors.stripe.app import StripeApp

    try:
        link = StripeApp().onboarding_link(
            connection.mode,
            connection.remote_account_id,
            account_url(
                request.tenant, reverse("connectors:onboarding_return", args=[pk]), request
            ),
            account_url(
                request.tenant, reverse("connectors:onboarding_refresh", args=[pk]), request
            ),
        )
    except PlatformError as error:
        messages.error(request, error.message)
        return redirect("connectors:connections")
    return redirect(link)


@billing_admin_required
@require_POST
def disconnect(request, pk):
    connection = get_object_or_404(
        Connection.objects.exclude(status=Connection.Status.DISCONNECTED), pk=pk
    )
    try:
        services.disconnect(connection)
    except PlatformError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(platform)s account “%(name)s” disconnected. Its history stays here.")
            % {"platform": connection.get_platform_display(), "name": connection.name},
        )
    return redirect("connectors:connections")


def oauth_callback_router(request, platform):
    """Root domain: the platform returns here; send the browser to the account it came from.

    Nothing is exchanged or stored here: the account's own page checks the state against the
    session that started it and uses it up.
    """
    state = services.find_oauth_state(request.GET.get("state", ""))
    if state is None or state.platform != platform:
        return render(request, "connectors/callback_invalid.html", status=400)
    query = urlencode(
        {key: request.GET.get(key, "")[:500] for key in CALLBACK_KEYS if key in request.GET}
    )
    path = reverse("connectors:oauth_finish", urlconf="billing_saas.urls_tenant", args=[platform])
    return redirect(account_url(state.tenant, f"{path}?{query}", request))
